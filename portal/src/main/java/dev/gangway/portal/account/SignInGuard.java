package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs on every request in the security filter chain, after the session's sign-in was loaded:
 *
 * <ul>
 *   <li>A signed-in user who was deleted, disabled or is past their access end since signing in loses the session
 *       at this request (invalidated on the server, sent to {@code /login?ended}); so does a session whose user's
 *       password or second factor changed elsewhere (the stamp stored at sign-in no longer matches). Expiry is
 *       published as {@link UserAccessEnded} so HMI sessions end too. One read of the user by primary key.</li>
 *   <li>A half-done sign-in ({@link PendingSignIn}) reaches only its step's page (plus sign-out and the static
 *       assets): everything else is redirected there. After {@code gangway.signin.step-timeout} it ends.</li>
 * </ul>
 *
 * <p>Declared in {@link SignInConfiguration}, placed into the one filter chain by the system's security
 * configuration.
 */
class SignInGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(SignInGuard.class);

    private final AppUserRepository users;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final SignInSettings settings;
    private final Clock clock;

    SignInGuard(AppUserRepository users, AuditLog audit, ApplicationEventPublisher events,
            TransactionTemplate transactions, SignInSettings settings, Clock clock) {
        this.users = users;
        this.audit = audit;
        this.events = events;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return path.startsWith("/assets/") || path.equals("/favicon.ico") || path.startsWith("/api/agent/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        PortalUser signedIn = authentication instanceof PendingSignIn pending ? pending.user()
                : authentication != null && authentication.getPrincipal() instanceof PortalUser user ? user : null;
        if (signedIn == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<String> ended = endedWhy(signedIn, request);
        if (ended.isPresent()) {
            end(request, response, signedIn, ended.get(), "/login?ended");
            return;
        }
        if (authentication instanceof PendingSignIn pending) {
            if (!clock.instant().isBefore(pending.startedAt().plus(settings.stepTimeout()))) {
                end(request, response, signedIn, "the sign-in step took too long", "/login?timeout");
                return;
            }
            String path = path(request);
            if (!pending.step().owns(path) && !path.equals("/logout") && !path.equals("/error")) {
                response.sendRedirect(request.getContextPath() + pending.step().path());
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private Optional<String> endedWhy(PortalUser signedIn, HttpServletRequest request) {
        Optional<AppUser> found = users.findById(signedIn.userId());
        if (found.isEmpty() || !found.get().getAccountId().equals(signedIn.accountId())) {
            return Optional.of("the user was deleted");
        }
        AppUser user = found.get();
        Instant now = clock.instant();
        if (!user.isEnabled()) {
            return Optional.of("the user was disabled");
        }
        if (user.isExpiredAt(now)) {
            String reason = "the user's access ended";
            transactions.executeWithoutResult(tx -> events.publishEvent(new UserAccessEnded(user.getAccountId(),
                    user.getId(), user.getUsername(), reason)));
            return Optional.of(reason);
        }
        HttpSession session = request.getSession(false);
        Object stamp = session == null ? null : session.getAttribute(SignInFlow.STAMP_ATTRIBUTE);
        if (stamp != null && !stamp.equals(SignInFlow.stamp(user))) {
            return Optional.of("the user's password or second factor changed");
        }
        return Optional.empty();
    }

    private void end(HttpServletRequest request, HttpServletResponse response, PortalUser user, String why,
            String target) throws IOException {
        log.info("Ended the portal session of {}: {}", user.getName(), why);
        audit.record("session.end", "ended", user.getName(), user.accountId(), null, why);
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalid) {
                // ended meanwhile
            }
        }
        SecurityContextHolder.clearContext();
        String path = path(request);
        if (path.startsWith("/api/") || path.equals("/devices/events")) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        } else {
            response.sendRedirect(request.getContextPath() + target);
        }
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
