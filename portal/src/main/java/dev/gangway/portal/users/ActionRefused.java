package dev.gangway.portal.users;

import java.io.Serial;

/**
 * An action on a user that the rules forbid although the actor may manage users (acting on oneself, leaving the
 * account without a permanent administrator); the message is the sentence shown on the user page.
 */
class ActionRefused extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    ActionRefused(String message) {
        super(message);
    }
}
