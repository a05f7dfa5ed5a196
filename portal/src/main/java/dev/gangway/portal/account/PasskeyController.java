package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;

/**
 * Adding a passkey on "My account" ({@code assets/passkeys.js} drives it): {@code /account/passkeys/options} checks
 * the name and hands out registration options (kept in the session, for this user, used once);
 * {@code /account/passkeys} checks the browser's new credential against them and stores it. Both are JSON POSTs with
 * the CSRF token; they take no ids, only the signed-in user's own. Deleting one is a plain form on the same page
 * ({@link MyAccountController}).
 */
@Controller
class PasskeyController {

    static final String START_AGAIN = "The registration took too long or was started elsewhere: try again.";

    private static final String CREATION = "gangway.passkey.creation";

    private final Passkeys passkeys;
    private final AppUserRepository users;
    private final SignInFlow flow;

    PasskeyController(Passkeys passkeys, AppUserRepository users, SignInFlow flow) {
        this.passkeys = passkeys;
        this.users = users;
        this.flow = flow;
    }

    /**
     * Registration options in progress: whose, and the options (with the challenge) the credential must match. Not
     * serializable (Spring's options are not): the portal's sessions live in memory.
     */
    private record Creation(String userId, PublicKeyCredentialCreationOptions options) {
    }

    @PostMapping("/account/passkeys/options")
    ResponseEntity<String> options(@AuthenticationPrincipal PortalUser me,
            @RequestBody(required = false) String body, HttpServletRequest request) {
        Optional<JsonNode> json = PasskeyJson.body(body);
        if (json.isEmpty()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "The request is not understood: reload the page.");
        }
        Optional<String> error = Passkeys.labelError(PasskeyJson.text(json.get(), "label"))
                .or(() -> passkeys.cannotAdd(me.userId()));
        if (error.isPresent()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, error.get());
        }
        PublicKeyCredentialCreationOptions options = passkeys.creationOptions(user(me));
        request.getSession().setAttribute(CREATION, new Creation(me.userId(), options));
        return PasskeyJson.ok(options);
    }

    @PostMapping("/account/passkeys")
    ResponseEntity<String> register(@AuthenticationPrincipal PortalUser me,
            @RequestBody(required = false) String body, HttpServletRequest request) {
        HttpSession session = request.getSession();
        Object started = session.getAttribute(CREATION);
        session.removeAttribute(CREATION);
        Optional<JsonNode> json = PasskeyJson.body(body);
        if (json.isEmpty()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "The request is not understood: reload the page.");
        }
        String label = PasskeyJson.text(json.get(), "label");
        Optional<String> error = Passkeys.labelError(label).or(() -> passkeys.cannotAdd(me.userId()));
        if (error.isPresent()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, error.get());
        }
        if (!(started instanceof Creation creation) || creation.options() == null
                || !creation.userId().equals(me.userId())) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, START_AGAIN);
        }
        Optional<PublicKeyCredential<AuthenticatorAttestationResponse>> credential = PasskeyJson.attestation(
                json.get());
        if (credential.isEmpty()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "The browser's answer is not understood: try again.");
        }
        AppUser user = user(me);
        Optional<String> refused = passkeys.register(user, creation.options(), credential.get(), label,
                me.getName());
        if (refused.isPresent()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, refused.get());
        }
        flow.restamp(request, user(me));
        return PasskeyJson.redirect("/account?passkey-added");
    }

    private AppUser user(PortalUser me) {
        return users.findById(me.userId()).orElseThrow();
    }
}
