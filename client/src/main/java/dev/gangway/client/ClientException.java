package dev.gangway.client;

/**
 * A failure to report to the user: one sentence in plain words (printed as {@code gangway: <message>}) and the
 * {@link ExitCode} to leave with. Messages never contain secrets (passwords, tokens, tickets, keys).
 */
public class ClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** A mistake on the command line (exit code 2). */
    public static ClientException usage(String message) {
        return new ClientException(ExitCode.USAGE, message);
    }
}
