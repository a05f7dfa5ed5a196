package dev.gangway.portal.client;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The client API's filter in its own (stateless) security filter chain:
 *
 * <ul>
 *   <li>Refuses requests a web browser makes (an {@code Origin} or {@code Sec-Fetch-Site} header) with 403
 *       {@code browser-refused}: the API is for the Gangway client only, so no page of any site can call it from a
 *       user's browser, whatever that browser sends.</li>
 *   <li>Reads {@code Authorization: Bearer <token>} and, when its client session is live, signs the request in as
 *       that session ({@link ClientPrincipal}, authority {@code ROLE_CLIENT}) for this request only. A token whose
 *       session is unknown, ended or expired answers 401 {@code session-ended} saying why; no token at all is left to
 *       the chain (401 for every route but the sign-in). When the session cannot be checked (the database
 *       failed), the answer is 500 {@code internal} in the API's shape, the exception only in the log.</li>
 * </ul>
 *
 * <p>Declared in {@link ClientApiConfiguration}; runs only in the chain, never as a plain servlet filter.
 */
class ClientTokenFilter extends OncePerRequestFilter {

    static final String AUTHORITY = "ROLE_CLIENT";
    private static final Logger log = LoggerFactory.getLogger(ClientTokenFilter.class);
    private static final String BEARER = "bearer ";

    private final ClientSessions sessions;
    private final ClientErrors errors;

    ClientTokenFilter(ClientSessions sessions, ClientErrors errors) {
        this.sessions = sessions;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (request.getHeader("Origin") != null || (fetchSite != null && !"none".equalsIgnoreCase(fetchSite))) {
            errors.write(response, new ClientApiException(HttpStatus.FORBIDDEN,
                    "browser-refused", "the client API is for the Gangway client, not for web pages"));
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || isSignIn(request)) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            errors.write(response, ClientApiException.sessionEnded("Send the session's token as 'Authorization: "
                    + "Bearer <token>': sign in first (gangway login)."));
            return;
        }
        ClientSessions.Use use;
        try {
            use = sessions.use(header.substring(BEARER.length()).strip());
        } catch (RuntimeException e) {
            // the database or another dependency failed: a plain 500 in the API's shape, nothing of the exception
            log.error("Client API: the session of a request could not be checked", e);
            errors.write(response, new ClientApiException(HttpStatus.INTERNAL_SERVER_ERROR, ClientErrors.INTERNAL,
                    ClientErrors.INTERNAL_MESSAGE));
            return;
        }
        if (use.principal() == null) {
            errors.write(response, ClientApiException.sessionEnded(use.endedMessage()));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(use.principal(), null,
                List.of(new SimpleGrantedAuthority(AUTHORITY))));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** The sign-in takes no token (a stale one from an earlier session must not stand in its way). */
    private static boolean isSignIn(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return "POST".equals(request.getMethod()) && path.equals(ClientApiController.BASE + "/sessions");
    }
}
