package dev.gangway.agent.identity;

/** The identity directory is missing, unreadable or inconsistent; the message says which file and the fix. */
public final class IdentityException extends Exception {

    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
