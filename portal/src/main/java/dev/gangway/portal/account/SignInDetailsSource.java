package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationDetailsSource;
import org.springframework.stereotype.Component;

/** Captures the account field of the sign-in form for {@link AccountAuthenticationProvider}. */
@Component
class SignInDetailsSource implements AuthenticationDetailsSource<HttpServletRequest, SignInDetails> {

    @Override
    public SignInDetails buildDetails(HttpServletRequest request) {
        return new SignInDetails(request);
    }
}
