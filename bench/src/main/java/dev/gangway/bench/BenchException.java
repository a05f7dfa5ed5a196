package dev.gangway.bench;

/** A path could not be set up or measured; the message says what and where to look. */
final class BenchException extends Exception {

    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
