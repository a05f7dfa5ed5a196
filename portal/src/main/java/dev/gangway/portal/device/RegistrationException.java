package dev.gangway.portal.device;

import org.springframework.http.HttpStatus;

/** A refused registration: the HTTP status of the agent API and a plain sentence for the agent to print. */
class RegistrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String code;

    RegistrationException(HttpStatus status, String message) {
        this(status, null, message);
    }

    /** With a short error code ({@code no-right}) for the by-name registration's answers. */
    RegistrationException(HttpStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** The error code, or null when none was given (then by status: {@code bad-request}, ...). */
    String code() {
        if (code != null) {
            return code;
        }
        return switch (status) {
            case BAD_REQUEST -> "bad-request";
            case FORBIDDEN -> "no-right";
            case CONFLICT -> "conflict";
            default -> "refused";
        };
    }

    HttpStatus status() {
        return status;
    }
}
