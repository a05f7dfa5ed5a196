package dev.gangway.portal.account;

import java.io.Serial;
import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in refused for a reason the user may be told (locked, disabled, access ended, throttled, no password yet):
 * the sign-in page shows this message. Wrong passwords and unknown users are {@code BadCredentialsException}, whose
 * message is always the same and tells nothing.
 */
class SignInRefused extends AuthenticationException {

    @Serial
    private static final long serialVersionUID = 1L;

    SignInRefused(String message) {
        super(message);
    }
}
