package dev.gangway.portal.account;

import java.io.Serial;

/**
 * A sign-in refused because the client address or the account failed too often lately: the web form shows it like
 * any {@link SignInRefused}; the client API answers it with 429 instead of 403.
 */
class SignInThrottled extends SignInRefused {

    @Serial
    private static final long serialVersionUID = 1L;

    SignInThrottled(String message) {
        super(message);
    }
}
