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

    public PortalException(Kind kind, String message) {
        this(kind, message, 0);
    }

    /** With the HTTP status the portal answered. */
    public PortalException(Kind kind, String message, int status) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public PortalException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = 0;
    }

    public Kind kind() {
        return kind;
    }

    /** The portal's HTTP status, or 0 when it gave none (not reached, or the answer was unusable). */
    public int status() {
        return status;
    }
}
