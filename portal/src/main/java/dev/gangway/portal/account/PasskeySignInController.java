package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.Serial;
import java.io.Serializable;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;

/**
 * A passkey instead of the code at the second step of a sign-in ({@code /login/two-factor}, "Use a passkey"):
 * {@code /login/passkey/options} gives request options that allow only the passkeys of the user who passed the
 * password step (kept in the session, used once); {@code /login/passkey} checks the assertion ({@link Passkeys}) and
 * then goes on exactly as a right code does ({@link SignInFlow#secondFactorDone}: new password when due, new session
 * id, audit). Only a {@link PendingSignIn} at the second-factor step reaches these (security configuration and
 * {@link SignInGuard}; a half-done sign-in at another step is sent to that step's page); a refused assertion counts
 * as a wrong code, towards the user's lockout and the throttles, and a throttled address or account is refused.
 */
@Controller
class PasskeySignInController {

    static final String NOT_ACCEPTED = "The passkey was not accepted: try again with a passkey you registered for "
            + "this user, or enter a code.";

    private static final String REQUEST = "gangway.passkey.request";

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final Passkeys passkeys;
    private final TrustedBrowsers trustedBrowsers;
    private final SignInFlow flow;
    private final SignInSettings settings;
    private final Clock clock;
    private final SignInState state;

    PasskeySignInController(AccountRepository accounts, AppUserRepository users, Passkeys passkeys,
            TrustedBrowsers trustedBrowsers, SignInFlow flow, SignInSettings settings, Clock clock,
            SignInState state) {
        this.state = state;
        this.accounts = accounts;
        this.users = users;
        this.passkeys = passkeys;
        this.trustedBrowsers = trustedBrowsers;
        this.flow = flow;
        this.settings = settings;
        this.clock = clock;
    }

    /** Request options in progress: for which user, and the challenge the assertion must sign. */
    private record Assertion(String userId, PublicKeyCredentialRequestOptions options) implements Serializable {

        @Serial
        private static final long serialVersionUID = 1L;
    }

    @PostMapping("/login/passkey/options")
    ResponseEntity<String> options(Authentication authentication, HttpServletRequest request) {
        if (authentication instanceof PendingSignIn other && other.step() != PendingSignIn.Step.TWO_FACTOR) {
            return PasskeyJson.redirect(other.step().path());
        }
        Optional<PendingSignIn> pending = secondStep(authentication);
        if (pending.isEmpty()) {
            return PasskeyJson.error(HttpStatus.FORBIDDEN, "Sign in with your password first.");
        }
        String userId = pending.get().user().userId();
        Optional<PublicKeyCredentialRequestOptions> options = passkeys.requestOptions(userId);
        if (options.isEmpty()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "You have no passkey: enter a code instead.");
        }
        request.getSession().setAttribute(REQUEST, new Assertion(userId, options.get()));
        return PasskeyJson.ok(options.get());
    }

    @PostMapping("/login/passkey")
    ResponseEntity<String> verify(Authentication authentication, @RequestBody(required = false) String body,
            HttpServletRequest request, HttpServletResponse response) {
        if (authentication instanceof PendingSignIn other && other.step() != PendingSignIn.Step.TWO_FACTOR) {
            return PasskeyJson.redirect(other.step().path());
        }
        Optional<PendingSignIn> second = secondStep(authentication);
        if (second.isEmpty()) {
            return PasskeyJson.error(HttpStatus.FORBIDDEN, "Sign in with your password first.");
        }
        PendingSignIn pending = second.get();
        HttpSession session = request.getSession();
        Object started = session.getAttribute(REQUEST);
        session.removeAttribute(REQUEST);
        AppUser user = users.findById(pending.user().userId()).orElseThrow();
        if (user.isLockedAt(clock.instant())) {
            return PasskeyJson.redirect(LoginController.restart(request,
                    SignInState.lockedMessage(user.getLockedUntil())).substring("redirect:".length()));
        }
        Account account = accounts.findById(user.getAccountId()).orElseThrow();
        Optional<SignInRefused> throttled = state.throttled(request.getRemoteAddr(), account);
        if (throttled.isPresent()) {
            return PasskeyJson.error(HttpStatus.TOO_MANY_REQUESTS, throttled.get().getMessage());
        }
        Optional<JsonNode> json = PasskeyJson.body(body);
        Optional<PublicKeyCredential<AuthenticatorAssertionResponse>> credential = json
                .flatMap(PasskeyJson::assertion);
        if (credential.isEmpty()) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "The browser's answer is not understood: try again.");
        }
        if (!(started instanceof Assertion assertion) || !assertion.userId().equals(user.getId())) {
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, "The passkey request took too long or was started "
                    + "elsewhere: try again.");
        }
        Passkeys.Outcome outcome = passkeys.authenticate(pending.user(), assertion.options(), credential.get());
        if (!outcome.accepted()) {
            // counted like a wrong code: towards the lockout (the database's count decides) and the throttles
            if (state.failed(account, user, pending.user().getName(), request.getRemoteAddr(),
                    "passkey not accepted", true)) {
                AppUser locked = users.findById(user.getId()).orElseThrow();
                return PasskeyJson.redirect(LoginController.restart(request,
                        SignInState.lockedMessage(locked.getLockedUntil())).substring("redirect:".length()));
            }
            PendingSignIn updated = pending.withWrongCode();
            if (updated.wrongCodes() >= settings.codeAttempts()) {
                return PasskeyJson.redirect(LoginController.restart(request, "Too many refused passkeys or wrong "
                        + "codes: sign in again.").substring("redirect:".length()));
            }
            flow.save(updated, request, response);
            return PasskeyJson.error(HttpStatus.BAD_REQUEST, NOT_ACCEPTED);
        }
        boolean remember = json.get().path("remember").asBoolean(false);
        if (remember) {
            trustedBrowsers.remember(account, user, request, response);
        }
        String method = pending.method() + " + passkey"
                + (remember && account.getRememberBrowserDays() > 0 ? ", browser remembered" : "");
        return PasskeyJson.redirect(flow.secondFactorDone(pending, method, request, response));
    }

    private static Optional<PendingSignIn> secondStep(Authentication authentication) {
        return authentication instanceof PendingSignIn pending && pending.step() == PendingSignIn.Step.TWO_FACTOR
                ? Optional.of(pending) : Optional.empty();
    }
}
