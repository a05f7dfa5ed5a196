package dev.gangway.portal.device;

import org.springframework.http.HttpStatus;

/** A refused registration: the HTTP status of the agent API and a plain sentence for the agent to print. */
class RegistrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HttpStatus status;

    RegistrationException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }
}
