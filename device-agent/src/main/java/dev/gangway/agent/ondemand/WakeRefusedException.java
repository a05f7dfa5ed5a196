package dev.gangway.agent.ondemand;

/** A wake-up SMS that does not count; the message says why in plain words (it is logged, never the SMS text). */
public final class WakeRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public WakeRefusedException(String message) {
        super(message);
    }
}
