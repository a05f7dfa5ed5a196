package dev.gangway.agent.alarms;

/**
 * The alarms could not be set up when {@code run} started: the queue directory is unusable or a listener cannot bind.
 * {@link #field()} names the setting in agent.yml; the message says what is wrong and the fix.
 */
public final class AlarmsSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String field;

    AlarmsSetupException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
