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

    public PortalException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PortalException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
