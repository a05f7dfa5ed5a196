package dev.gangway.agent.setup;

/**
 * An Easy Setup file that cannot be used, with a sentence for the person at the machine saying what is wrong and what
 * to do ("... — download a new one").
 */
public final class EasySetupException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the file is refused. */
    public enum Reason {
        /** Not an Easy Setup file at all, or damaged (not JSON, fields missing). */
        MALFORMED,
        /** Made for a newer agent (another {@code version}). */
        UNSUPPORTED,
        /** The signature does not match: changed after the portal made it. */
        TAMPERED,
        /** Its activation key has expired. */
        EXPIRED,
        /** Already used to register a device (the key was removed). */
        USED,
        /** For another portal than the one agent.yml names. */
        WRONG_PORTAL
    }

    private final Reason reason;

    public EasySetupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
