package dev.gangway.agent.portal;

/** The portal refused, could not be reached, or answered something unusable; the message is for the user. */
public final class PortalException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the call failed; decides the exit code of {@code register}. */
    public enum Kind {
        /** The portal answered with an error sentence (or an error status). */
        REFUSED,
        /** No answer: connection refused, unknown host, timeout, TLS failure, gateway errors. */
        UNREACHABLE,
        /** An answer we cannot use (missing fields, a certificate that does not fit). */
        BAD_ANSWER
    }

    private final Kind kind;
    private final int status;
    private final String code;

    public PortalException(Kind kind, String message) {
        this(kind, message, 0);
    }

    /** With the HTTP status the portal answered. */
    public PortalException(Kind kind, String message, int status) {
        this(kind, message, status, null);
    }

    /** With the HTTP status and the portal's error code ({@code two-factor-required}). */
    public PortalException(Kind kind, String message, int status, String code) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.code = code;
    }

    public PortalException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = 0;
        this.code = null;
    }

    /** The portal's error code (by-name registration), or null. */
    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** The portal's HTTP status, or 0 when it gave none (not reached, or the answer was unusable). */
    public int status() {
        return status;
    }
}
