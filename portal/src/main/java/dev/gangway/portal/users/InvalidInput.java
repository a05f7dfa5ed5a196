package dev.gangway.portal.users;

import java.io.Serial;
import java.util.Map;

/**
 * A form holds values that cannot be saved: field name → the sentence shown next to that field. Thrown before
 * anything is written, so the transaction has nothing to undo.
 */
class InvalidInput extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> errors;

    InvalidInput(Map<String, String> errors) {
        super("invalid input: " + errors.keySet());
        this.errors = Map.copyOf(errors);
    }

    Map<String, String> errors() {
        return errors;
    }
}
