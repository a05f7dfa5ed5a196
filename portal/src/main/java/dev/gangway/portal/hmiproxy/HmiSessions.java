package dev.gangway.portal.hmiproxy;

import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import java.util.List;
import java.util.function.Predicate;

/** Starts HMI sessions: each one gets its own origin, never reused. */
public interface HmiSessions {

    /**
     * Creates an HMI session for a user who has been checked to have the right to open this HTTP service, and
     * returns the URL to redirect the browser to (the session's origin, with a one-time entry token).
     *
     * @param tls whether the device's service speaks HTTPS (the agent side originates TLS later; now only http)
     */
    URI open(String account, String user, String deviceId, String serviceName, LanTarget target, boolean tls);

    /**
     * Ends every HMI session of a user (the account id and user name as passed to {@link #open}): their host names
     * answer 410 from now on and their browser connections, WebSockets included, close. Returns how many ended.
     */
    int endForUser(String account, String user);

    /** Ends every HMI session on a device (certificate revoked, device removed); returns how many ended. */
    int endForDevice(String deviceId);

    /** The live sessions, oldest first (a snapshot). */
    List<HmiSession> sessions();

    /**
     * Ends the live sessions that {@code which} selects (a right removed, a user disabled); returns how many ended.
     * The predicate sees each live session once and must not block.
     */
    int endWhere(Predicate<HmiSession> which, String why);
}
