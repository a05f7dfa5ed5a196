package dev.gangway.portal.account;

import java.io.Serial;

/** A new password breaks the account's policy; the message says how, in words a user can act on. */
public class PasswordRejectedException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public PasswordRejectedException(String message) {
        super(message);
    }
}
