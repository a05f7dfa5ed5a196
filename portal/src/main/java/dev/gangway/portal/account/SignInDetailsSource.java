package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationDetailsSource;
import org.springframework.stereotype.Component;

/** Captures the account field of the sign-in form and the remembered-browser cookie for the sign-in. */
@Component
class SignInDetailsSource implements AuthenticationDetailsSource<HttpServletRequest, SignInDetails> {

    private final TrustedBrowsers trustedBrowsers;

    SignInDetailsSource(TrustedBrowsers trustedBrowsers) {
        this.trustedBrowsers = trustedBrowsers;
    }

    @Override
    public SignInDetails buildDetails(HttpServletRequest request) {
        return new SignInDetails(request, trustedBrowsers.tokenOf(request));
    }
}
