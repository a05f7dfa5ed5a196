package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.stereotype.Component;

/**
 * After the password form (Spring Security has already changed the session id and stored the authentication): a
 * finished sign-in gets the account's timeouts and goes to the devices; a half-done one goes to its next step.
 */
@Component
class SignInSuccessHandler implements AuthenticationSuccessHandler {

    private final SignInFlow flow;
    private final AppUserRepository users;

    SignInSuccessHandler(SignInFlow flow, AppUserRepository users) {
        this.flow = flow;
        this.users = users;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        if (authentication instanceof PendingSignIn pending) {
            flow.establishPending(request, users.findById(pending.user().userId()).orElseThrow());
            response.sendRedirect(request.getContextPath() + pending.step().path());
            return;
        }
        if (authentication.getPrincipal() instanceof PortalUser user) {
            flow.establish(request, users.findById(user.userId()).orElseThrow());
        }
        response.sendRedirect(request.getContextPath() + "/devices");
    }
}
