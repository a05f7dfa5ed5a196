package dev.gangway.portal.system;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Appends security-relevant events (sign-ins, certificate issue and revoke, device creation, tunnels, HMI opens)
 * to the audit trail. It writes in the caller's transaction: when the audit write fails, the audited action fails
 * with it (for HMI sessions see {@code report.ConnectionReport#opened}: no session opens without its
 * {@code connection.open} event). The client address is taken from the current web request when there is one.
 *
 * <p>The trail is append-only: this is the only writer, {@link AuditEvent} is immutable, nothing deletes events.
 */
@Component
public class AuditLog {

    private final AuditEventRepository events;
    private final Clock clock;

    AuditLog(AuditEventRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records one event.
     *
     * @param action e.g. {@code signin}, {@code certificate.issue}
     * @param result {@code ok}, {@code refused}, {@code failed}
     * @param actor who did it ({@code account/user}, or null for the device or the system)
     */
    @Transactional
    public void record(String action, String result, String actor, String accountId, String deviceId, String detail) {
        events.save(new AuditEvent(clock.instant(), actor, accountId, currentAddress(), deviceId, action, result,
                detail));
    }

    private static String currentAddress() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            HttpServletRequest request = servlet.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}
