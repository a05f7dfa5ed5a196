package dev.gangway.portal.system;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationDetailsSource;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The portal's security filter chains: the pages' (below), and the client API's ({@link #clientApiFilterChain}:
 * stateless, bearer tokens, JSON refusals).
 *
 * <ul>
 *   <li>Sign-in form at {@code /login} with account, user name and password; new session id at sign-in. The
 *       account package decides what follows the password (second factor, new password: a half-done sign-in that
 *       grants nothing but its step) through the {@code AuthenticationSuccessHandler} and the {@code signInGuard}
 *       filter it declares; every page needs {@code ROLE_USER}, which only a finished sign-in has. Passkeys (the
 *       second factor's alternative to the code) are the account package's own JSON endpoints over Spring Security's
 *       WebAuthn relying party, not {@code http.webAuthn()}: its filters sign in with the passkey alone, past the
 *       half-done sign-in, and serve generated pages with inline scripts.</li>
 *   <li>CSRF tokens on every browser form, plus {@link OriginCheckFilter}; neither applies to the device agent API
 *       ({@code /api/agent/**}: machine clients without cookies, authorised by activation keys and certificates).
 *       WebSocket handshakes (the desktop tunnel, {@code /desktop/tunnel}) need a signed-in user like any page and
 *       the portal's own {@code Origin} ({@link OriginCheckFilter}).</li>
 *   <li>Session cookie {@code __Host-gangway-session} (Secure) with {@code gangway.portal.secure-cookies=true},
 *       else {@code gangway-session} (plain-HTTP development); host-only,
 *       HttpOnly, SameSite=Lax.</li>
 *   <li>Sessions end after the account's idle minutes and absolute hours (set at sign-in), never later than
 *       {@code gangway.portal.session-absolute-timeout} (12 h) after they began ({@link SessionLifetimeFilter}); sign-out invalidates the session on the server. Sign-out runs every
 *       {@link LogoutHandler} bean, and a session's end is published as a {@code SessionDestroyedEvent}: both end
 *       the user's HMI sessions.</li>
 *   <li>A strict Content-Security-Policy; forms may only target the portal itself and the HMI origins (the "Open"
 *       form is redirected to one). HSTS on every response when secure cookies are on (the portal is then
 *       HTTPS-only), else on HTTPS requests only.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Prefix of the client API, which has a chain of its own. */
    static final String CLIENT_API = "/api/client/";

    /** Authority of a half-done sign-in (password right, a step left); see the account package's PendingSignIn. */
    static final String PENDING_SIGN_IN = "SIGNIN_PENDING";

    /** One year, as HSTS preload lists expect. */
    private static final long HSTS_MAX_AGE_SECONDS = 31_536_000L;

    /**
     * The client API's own chain ({@code /api/client/**}), ahead of the pages' one: stateless (no servlet session,
     * no cookie), so no CSRF token either; a bearer token of a client session signs each request in
     * ({@code clientTokenFilter}, client package, which also refuses any request a browser makes); everything but
     * the sign-in needs it. Refusals are JSON, {@code {"error":"<code>","message":"…"}}.
     */
    @Bean
    @Order(1)
    SecurityFilterChain clientApiFilterChain(HttpSecurity http,
            @Qualifier("clientTokenFilter") Filter clientTokenFilter) throws Exception {
        http
                .securityMatcher(CLIENT_API + "**")
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(HttpMethod.POST, CLIENT_API + "v1/sessions").permitAll()
                        .anyRequest().hasRole("CLIENT"))
                .addFilterBefore(clientTokenFilter, AnonymousAuthenticationFilter.class)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> json(response,
                                HttpServletResponse.SC_UNAUTHORIZED, "session-ended",
                                "Sign in first (gangway login), then send the session's token as "
                                        + "'Authorization: Bearer <token>'."))
                        .accessDeniedHandler((request, response, e) -> json(response,
                                HttpServletResponse.SC_FORBIDDEN, "forbidden",
                                "This request needs the token of a client session.")))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; "
                                + "frame-ancestors 'none'"))
                        .frameOptions(frame -> frame.deny()));
        return http.build();
    }

    /** A constant JSON error body (no escaping needed: the texts are ours). */
    private static void json(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getWriter().write("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AuthenticationProvider accountAuthentication,
            AuthenticationDetailsSource<HttpServletRequest, ?> signInDetails,
            PortalSettings portal, @Value("${gangway.hmi.scheme:http}") String hmiScheme,
            @Value("${gangway.hmi.base-domain:hmi.localhost}") String hmiBaseDomain,
            @Value("${gangway.hmi.port:8081}") int hmiPort,
            @Value("${gangway.hmi.public-port:0}") int hmiPublicPort,
            ObjectProvider<LogoutHandler> logoutHandlers,
            @Qualifier("signInSuccessHandler") AuthenticationSuccessHandler signInSuccess,
            @Qualifier("signInGuard") Filter signInGuard) throws Exception {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http
                // this provider alone, no parent: Spring Boot's global manager holds the same provider bean, and
                // a parent would run it again after every failure (counting each failed sign-in twice)
                .authenticationManager(new ProviderManager(accountAuthentication))
                .authorizeHttpRequests(authorize -> authorize
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/assets/**", "/api/agent/**", "/error", "/favicon.ico")
                        .permitAll()
                        // set a password by a one-time link (invitation, reset): the link is the credential
                        .requestMatchers("/password/set", "/password/**").permitAll()
                        // the steps of a half-done sign-in (second factor, new password); nothing else is reachable
                        // from there (SignInGuard redirects every other request back to the step)
                        // (a passkey instead of the code: JSON endpoints of the second-factor step, account package)
                        .requestMatchers("/login/two-factor", "/login/passkey/options", "/login/passkey",
                                "/login/enrol-two-factor", "/login/change-password")
                        .hasAuthority(PENDING_SIGN_IN)
                        .anyRequest().hasRole("USER"))
                .formLogin(form -> form
                        .loginPage("/login")
                        .authenticationDetailsSource(signInDetails)
                        .successHandler(signInSuccess)
                        .failureUrl("/login?error")
                        .permitAll())
                // after the session's sign-in is loaded, before anything is authorised: ends sessions of users
                // disabled, expired or deleted meanwhile, and keeps a half-done sign-in on its step
                .addFilterBefore(signInGuard, AnonymousAuthenticationFilter.class)
                .logout(logout -> logout
                        // features that hold state tied to the signed-in user (HMI sessions) end it here
                        .addLogoutHandler((request, response, signedIn) -> logoutHandlers.orderedStream()
                                .forEach(handler -> handler.logout(request, response, signedIn)))
                        .logoutUrl("/logout")
                        .logoutSuccessUrl("/login?logout")
                        .invalidateHttpSession(true)
                        .clearAuthentication(true)
                        .deleteCookies(portal.sessionCookieName()))
                .csrf(csrf -> csrf.ignoringRequestMatchers(paths.matcher("/api/agent/**")))
                .addFilterBefore(new OriginCheckFilter(portal), CsrfFilter.class)
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint(paths)))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(hmiScheme,
                                hmiBaseDomain, hmiPublicPort != 0 ? hmiPublicPort : hmiPort)))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny())
                        // behind a TLS proxy the request itself looks like plain HTTP: with secure cookies the
                        // portal is HTTPS-only anyway, so always tell browsers (the default writes it on HTTPS only)
                        .httpStrictTransportSecurity(hsts -> {
                            if (portal.secureCookies()) {
                                hsts.requestMatcher(AnyRequestMatcher.INSTANCE).maxAgeInSeconds(HSTS_MAX_AGE_SECONDS)
                                        .includeSubDomains(false);
                            }
                        }));
        return http.build();
    }

    /**
     * Pages redirect to the sign-in form; the event stream, the desktop tunnel's WebSocket and APIs (no human to
     * redirect) answer 401.
     */
    private static AuthenticationEntryPoint entryPoint(PathPatternRequestMatcher.Builder paths) {
        return new DelegatingAuthenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"),
                new RequestMatcherEntry<>(new OrRequestMatcher(paths.matcher("/api/**"),
                        paths.matcher("/devices/events"), paths.matcher("/desktop/tunnel")),
                        new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)));
    }

    static String contentSecurityPolicy(String hmiScheme, String hmiBaseDomain, int hmiPort) {
        // port 0 (tests) binds a random port: any port of the HMI domain then
        String hmiOrigins = hmiPort == 0
                ? hmiScheme.toLowerCase(Locale.ROOT) + "://*." + hmiBaseDomain + ":*"
                : OriginCheckFilter.origin(hmiScheme, "*." + hmiBaseDomain, hmiPort);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                + "form-action 'self' " + hmiOrigins;
    }

    /**
     * Publishes servlet session creation and destruction (sign-out, idle or absolute timeout) as Spring events, so
     * features can end what the session held (HMI sessions end on {@code SessionDestroyedEvent}).
     */
    @Bean
    static HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    /** Caps device agent API bodies before anything (security included) reads them. */
    @Bean
    FilterRegistrationBean<AgentBodyLimitFilter> agentBodyLimitFilter() {
        FilterRegistrationBean<AgentBodyLimitFilter> registration = new FilterRegistrationBean<>(
                new AgentBodyLimitFilter());
        registration.addUrlPatterns(OriginCheckFilter.AGENT_API_PREFIX + "*");
        registration.setOrder(-300);
        return registration;
    }

    /** Runs before Spring Security's filters (order -100), so an expired session is never read. */
    @Bean
    FilterRegistrationBean<SessionLifetimeFilter> sessionLifetimeFilter(PortalSettings portal, Clock clock) {
        FilterRegistrationBean<SessionLifetimeFilter> registration = new FilterRegistrationBean<>(
                new SessionLifetimeFilter(portal.sessionAbsoluteTimeout(), clock));
        registration.setOrder(-200);
        return registration;
    }

    /** Names and flags the servlet session cookie; SameSite comes from {@code server.servlet.session.cookie}. */
    @Bean
    ServletContextInitializer sessionCookie(PortalSettings portal) {
        return servletContext -> {
            SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
            cookie.setName(portal.sessionCookieName());
            cookie.setHttpOnly(true);
            cookie.setSecure(portal.secureCookies());
            cookie.setPath("/");
        };
    }
}
