package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.DesktopEnd;
import java.util.Locale;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * What an exit of xfreerdp (FreeRDP 2, its {@code XF_EXIT_*} codes) means for the user. The codes come from
 * FreeRDP's {@code client/X11/xf_client.h}; a few failures only show in its log (the {@code ERRCONNECT_*} and
 * {@code ERRINFO_*} names), which are looked at first.
 */
final class FreeRdpExit {

    /** How long after xfreerdp started a logoff counts as a refused logon. */
    static final java.time.Duration LOGON_WINDOW = java.time.Duration.ofSeconds(30);

    private FreeRdpExit() {
    }

    /**
     * The end for an xfreerdp that exited by itself.
     *
     * @param code its exit code
     * @param log the end of its output (only names of errors are looked for; it is never shown whole)
     * @param duringLogon whether it exited within the first seconds: an RDP server that checks the password after
     *     the connection is set up (xrdp with sesman, Windows without NLA) refuses by logging the session off, which
     *     is then most likely a refused logon, not a user who logged off
     */
    static DesktopEnd describe(int code, String log, boolean duringLogon) {
        String text = log == null ? "" : log.toUpperCase(Locale.ROOT);
        if (text.contains("ERRCONNECT_WRONG_PASSWORD") || text.contains("ERRCONNECT_LOGON_FAILURE")
                || text.contains("ERRCONNECT_AUTHENTICATION_FAILED")
                || text.contains("STATUS_LOGON_FAILURE")) {
            return refusedCredentials();
        }
        if (text.contains("ERRCONNECT_DNS_NAME_NOT_FOUND") || text.contains("ERRCONNECT_CONNECT_FAILED")) {
            return unreachable();
        }
        boolean logoff = code == 12 || text.contains("ERRINFO_LOGOFF_BY_USER");
        if (duringLogon && logoff) {
            return new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                    "the RDP server ended the connection during logon: check the RDP user name and password");
        }
        switch (code) {
            case 0, 1, 2, 11, 12:
                return new DesktopEnd(GuacamoleStatus.SUCCESS, "the remote computer ended the RDP session");
            case 3:
                return new DesktopEnd(GuacamoleStatus.SESSION_TIMEOUT,
                        "the remote computer ended the RDP session after it was idle too long");
            case 4:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_TIMEOUT, "the RDP logon took too long");
            case 5:
                return new DesktopEnd(GuacamoleStatus.SESSION_CONFLICT,
                        "another RDP connection took over this session");
            case 6, 129:
                return new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "FreeRDP ran out of memory");
            case 7, 8, 9:
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN, "the RDP server denied the connection");
            case 10:
                return new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                        "the RDP server wants the credentials typed anew");
            case 128:
                return new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                        "FreeRDP did not accept the portal's command line (exit code 128)");
            case 132, 134, 154, 159:
                return refusedCredentials();
            case 131, 141, 147:
                return unreachable();
            case 133:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                        "the RDP server and FreeRDP agree on no security protocol (RDP, TLS or NLA)");
            case 135:
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN, "the RDP account is locked out");
            case 136, 137, 138:
                return new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                        "FreeRDP could not start its session on the portal (exit code " + code + ")");
            case 139, 140:
                return unreachable();
            case 142:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the RDP server refused the connection setup");
            case 143:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the TLS handshake with the RDP server failed");
            case 144, 155:
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN,
                        "the RDP server denied this user access to remote desktops");
            case 145:
                return new DesktopEnd(GuacamoleStatus.SUCCESS, "the RDP connection was cancelled");
            case 148, 149, 152:
                return new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                        "the RDP password has expired: change it on the remote computer first");
            case 150:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                        "the RDP server could not reach its Kerberos server");
            case 151, 153, 156, 157:
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN,
                        "the RDP account is disabled, expired or restricted");
            case 158:
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN,
                        "the RDP account may not log on remotely");
            case 160:
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE, "the remote computer is still starting");
            default:
                if (code >= 16 && code <= 26) {
                    return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                            "the RDP server has a licensing problem (FreeRDP exit code " + code + ")");
                }
                if (code >= 32 && code <= 127) {
                    return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                            "the RDP server reported a protocol error (FreeRDP exit code " + code + ")");
                }
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "FreeRDP ended with exit code " + code);
        }
    }

    static DesktopEnd refusedCredentials() {
        return new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                "the RDP server refused the user name or password");
    }

    static DesktopEnd unreachable() {
        return new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE, "could not connect to the RDP server");
    }
}
