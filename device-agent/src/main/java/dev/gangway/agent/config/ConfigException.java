package dev.gangway.agent.config;

/**
 * A configuration mistake. The message is complete and meant for the person who wrote the file:
 * {@code config error: <file>: <field>: <what is wrong and the fix>}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private ConfigException(String message) {
        super(message);
    }

    /** A mistake in one field of the file. */
    public static ConfigException field(String file, String field, String problem) {
        return new ConfigException("config error: " + file + ": " + field + ": " + problem);
    }

    /** A mistake about the file as a whole (unreadable, not YAML, empty). */
    public static ConfigException file(String file, String problem) {
        return new ConfigException("config error: " + file + ": " + problem);
    }
}
