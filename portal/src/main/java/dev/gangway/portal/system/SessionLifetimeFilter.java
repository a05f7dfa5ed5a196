package dev.gangway.portal.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends sessions past their absolute timeout on the server, before Spring Security reads them, so the next request
 * needs a new sign-in. Two bounds, whichever comes first: {@code gangway.portal.session-absolute-timeout} since the
 * session was created (the portal-wide upper bound), and the deadline the sign-in stored in the session from the
 * account's {@code sessionAbsoluteHours} ({@link #setDeadline}). The idle timeout is the servlet container's,
 * set per session from the account's {@code sessionIdleMinutes} at sign-in.
 */
public class SessionLifetimeFilter extends OncePerRequestFilter {

    /** Session attribute: the instant (epoch milliseconds) after which the session ends, however active. */
    static final String DEADLINE_ATTRIBUTE = "gangway.session.deadline";

    private final Duration absoluteTimeout;
    private final Clock clock;

    SessionLifetimeFilter(Duration absoluteTimeout, Clock clock) {
        this.absoluteTimeout = absoluteTimeout;
        this.clock = clock;
    }

    /** Stores the instant after which this session ends (the account's absolute timeout, set at sign-in). */
    public static void setDeadline(HttpSession session, Instant deadline) {
        session.setAttribute(DEADLINE_ATTRIBUTE, deadline.toEpochMilli());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                long now = clock.millis();
                boolean tooOld = now - session.getCreationTime() > absoluteTimeout.toMillis();
                boolean pastDeadline = session.getAttribute(DEADLINE_ATTRIBUTE) instanceof Long deadline
                        && now >= deadline;
                if (tooOld || pastDeadline) {
                    session.invalidate();
                }
            } catch (IllegalStateException alreadyInvalid) {
                // ended meanwhile by another request: nothing left to end
            }
        }
        chain.doFilter(request, response);
    }
}
