package dev.gangway.client.portal;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;

/**
 * The portal refused a call ({@code {"error": "<code>", "message": "..."}}), could not be reached, or answered
 * something the client does not understand. {@link #code()} is the portal's error code (null when the portal
 * gave none); the exit code follows from it ({@link ExitCode#forPortalError}).
 */
public final class PortalException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public PortalException(int exitCode, int status, String code, String message) {
        super(exitCode, message);
        this.status = status;
        this.code = code;
    }

    public PortalException(int exitCode, String message, Throwable cause) {
        super(exitCode, message, cause);
        this.status = 0;
        this.code = null;
    }

    /** An error answer of the portal's API. */
    public static PortalException refusal(int status, String code, String message) {
        return new PortalException(ExitCode.forPortalError(code), status, code, message);
    }

    /** The portal, or the proxy in front of it, cannot be reached (exit code 7). */
    public static PortalException unreachable(String message, Throwable cause) {
        return new PortalException(ExitCode.UNREACHABLE, message, cause);
    }

    /** The HTTP status of the answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /** The portal's error code ({@code no-right}, {@code session-ended} ...), or null. */
    public String code() {
        return code;
    }

    /** Whether this is the portal's error {@code code}. */
    public boolean is(String errorCode) {
        return errorCode.equals(code);
    }
}
