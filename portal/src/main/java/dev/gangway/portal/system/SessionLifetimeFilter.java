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
 * sign-in (the portal-wide upper bound; since the session was created while nobody is signed in in it), and the
 * deadline the sign-in stored in the session from the account's {@code sessionAbsoluteHours} ({@link #setDeadline}).
 * Counting from the sign-in, not from the session's creation, matters: a sign-in page left open for hours creates the
 * session long before the sign-in, and must not shorten the session that follows. The idle timeout is the servlet container's,
 * set per session from the account's {@code sessionIdleMinutes} at sign-in.
 */
public class SessionLifetimeFilter extends OncePerRequestFilter {

    /** Session attribute: the instant (epoch milliseconds) after which the session ends, however active. */
    static final String DEADLINE_ATTRIBUTE = "gangway.session.deadline";

    /** Session attribute: when the sign-in completed (epoch milliseconds). */
    static final String SIGNED_IN_ATTRIBUTE = "gangway.session.signed-in";

    private final Duration absoluteTimeout;
    private final Clock clock;

    SessionLifetimeFilter(Duration absoluteTimeout, Clock clock) {
        this.absoluteTimeout = absoluteTimeout;
        this.clock = clock;
    }

    /**
     * Marks the session signed in at {@code signedInAt} and stores the instant after which it ends (the account's
     * absolute timeout; null: only the portal-wide bound).
     */
    public static void setDeadline(HttpSession session, Instant signedInAt, Instant deadline) {
        session.setAttribute(SIGNED_IN_ATTRIBUTE, signedInAt.toEpochMilli());
        if (deadline != null) {
            session.setAttribute(DEADLINE_ATTRIBUTE, deadline.toEpochMilli());
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                long now = clock.millis();
                long since = session.getAttribute(SIGNED_IN_ATTRIBUTE) instanceof Long signedIn ? signedIn
                        : session.getCreationTime();
                boolean tooOld = now - since > absoluteTimeout.toMillis();
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
