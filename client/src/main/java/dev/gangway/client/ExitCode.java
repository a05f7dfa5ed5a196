package dev.gangway.client;

/**
 * The client's exit codes. Scripts rely on them, so they never change meaning.
 *
 * <table>
 * <caption>exit codes</caption>
 * <tr><td>0</td><td>done</td></tr>
 * <tr><td>1</td><td>unexpected failure</td></tr>
 * <tr><td>2</td><td>the command line is wrong (unknown option, missing value, bad --forward ...)</td></tr>
 * <tr><td>3</td><td>not signed in, or the session ended</td></tr>
 * <tr><td>4</td><td>sign-in refused (wrong password, two-factor, locked, throttled ...)</td></tr>
 * <tr><td>5</td><td>the user lacks the right</td></tr>
 * <tr><td>6</td><td>no such device, or it is offline (an on-demand device that cannot be woken, or did not come
 * online in time)</td></tr>
 * <tr><td>7</td><td>the portal, the relay or the HTTP proxy cannot be reached (or refused the connection)</td></tr>
 * </table>
 */
public final class ExitCode {

    public static final int OK = 0;
    public static final int UNEXPECTED = 1;
    public static final int USAGE = 2;
    public static final int NOT_SIGNED_IN = 3;
    public static final int SIGNIN_REFUSED = 4;
    public static final int NO_RIGHT = 5;
    public static final int NO_DEVICE = 6;
    public static final int UNREACHABLE = 7;

    private ExitCode() {
    }

    /** The exit code for an error code of the portal's client API ({@code {"error": "<code>"}}). */
    public static int forPortalError(String code) {
        if (code == null) {
            return UNEXPECTED;
        }
        return switch (code) {
            case "bad-credentials", "two-factor-required", "two-factor-wrong", "signin-refused", "throttled" ->
                SIGNIN_REFUSED;
            case "session-ended" -> NOT_SIGNED_IN;
            case "no-right" -> NO_RIGHT;
            case "no-such-device", "device-offline", "no-phone-number", "site-disabled", "not-online", "no-wake" ->
                NO_DEVICE;
            case "relay-unavailable" -> UNREACHABLE;
            // "too-many-certificates", "internal", "bad-request" ... : the portal's words, exit code 1
            default -> UNEXPECTED;
        };
    }
}
