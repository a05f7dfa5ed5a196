package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The steps of a sign-in after the password: the second factor ({@code /login/two-factor}), enrolling one when it is
 * required and missing ({@code /login/enrol-two-factor}), a new password when it expired or must change
 * ({@code /login/change-password}). Only a {@link PendingSignIn} reaches these pages, each only its own step
 * ({@link SignInGuard}).
 */
@Controller
class SignInStepController {

    static final String CODE_HELP = "Enter the 6-digit code from your authenticator app, or one of your recovery "
            + "codes.";

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final TwoFactor twoFactor;
    private final TrustedBrowsers trustedBrowsers;
    private final SignInFlow flow;
    private final SignInState state;
    private final PasswordChange passwordChange;
    private final SignInSettings settings;
    private final Clock clock;
    private final Passkeys passkeys;

    SignInStepController(AccountRepository accounts, AppUserRepository users, TwoFactor twoFactor,
            TrustedBrowsers trustedBrowsers, SignInFlow flow, SignInState state, PasswordChange passwordChange,
            SignInSettings settings, Clock clock, Passkeys passkeys) {
        this.passkeys = passkeys;
        this.clock = clock;
        this.accounts = accounts;
        this.users = users;
        this.twoFactor = twoFactor;
        this.trustedBrowsers = trustedBrowsers;
        this.flow = flow;
        this.state = state;
        this.passwordChange = passwordChange;
        this.settings = settings;
    }

    @GetMapping("/login/two-factor")
    String twoFactorPage(Authentication authentication, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.TWO_FACTOR) {
            return elsewhere(pending);
        }
        model.addAttribute("rememberDays", account(pending).getRememberBrowserDays());
        offer(user(pending), model);
        return "account/two-factor-step";
    }

    @PostMapping("/login/two-factor")
    String verify(Authentication authentication, @RequestParam(defaultValue = "") String code,
            @RequestParam(name = "remember", defaultValue = "") String rememberBox, HttpServletRequest request,
            HttpServletResponse response, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.TWO_FACTOR) {
            return elsewhere(pending);
        }
        Account account = account(pending);
        AppUser user = user(pending);
        model.addAttribute("rememberDays", account.getRememberBrowserDays());
        offer(user, model);
        if (user.isLockedAt(clock.instant())) {
            // locked meanwhile (failures elsewhere): the lock is no secret (the password step tells it too)
            return LoginController.restart(request, SignInState.lockedMessage(user.getLockedUntil()));
        }
        Optional<SignInRefused> throttled = state.throttled(request.getRemoteAddr(), account);
        if (throttled.isPresent()) {
            model.addAttribute("codeError", throttled.get().getMessage());
            return "account/two-factor-step";
        }
        boolean remember = "true".equals(rememberBox);
        TwoFactor.Outcome outcome = twoFactor.verify(user, code, pending.user().getName());
        if (outcome.accepted()) {
            if (remember) {
                trustedBrowsers.remember(account, user, request, response);
            }
            String method = pending.method() + (outcome == TwoFactor.Outcome.TOTP ? " + TOTP" : " + recovery code")
                    + (remember && account.getRememberBrowserDays() > 0 ? ", browser remembered" : "");
            return "redirect:" + flow.secondFactorDone(pending, method, request, response);
        }
        if (outcome == TwoFactor.Outcome.MALFORMED) {
            model.addAttribute("codeError", CODE_HELP);
            return "account/two-factor-step";
        }
        boolean locked = state.failed(account, user, pending.user().getName(), request.getRemoteAddr(),
                outcome == TwoFactor.Outcome.REUSED ? "second-factor code used before" : "wrong second-factor code",
                true);
        if (locked) {
            return LoginController.restart(request, SignInState.lockedMessage(user(pending).getLockedUntil()));
        }
        // the database count (above) bounds guessing across sign-ins and concurrent requests; this one ends a
        // single half-done sign-in early
        PendingSignIn updated = pending.withWrongCode();
        if (updated.wrongCodes() >= settings.codeAttempts()) {
            return LoginController.restart(request, "Too many wrong codes: sign in again.");
        }
        flow.save(updated, request, response);
        model.addAttribute("codeError", outcome == TwoFactor.Outcome.REUSED
                ? "This code was used already: wait for the next one in your app (a new one comes every 30 seconds)."
                : "The code is not correct. " + CODE_HELP);
        return "account/two-factor-step";
    }

    @GetMapping("/login/enrol-two-factor")
    String enrolPage(Authentication authentication, HttpServletRequest request, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.ENROL_TWO_FACTOR) {
            return elsewhere(pending);
        }
        showEnrolment(pending, request, model);
        return "account/enrol-step";
    }

    @PostMapping("/login/enrol-two-factor")
    String enrol(Authentication authentication, @RequestParam(defaultValue = "") String code,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.ENROL_TWO_FACTOR) {
            return elsewhere(pending);
        }
        String secret = Enrolment.secret(request.getSession(), pending.user().userId());
        Optional<String> error = EnrolmentCheck.codeError(code);
        Optional<List<String>> codes = error.isPresent() ? Optional.empty()
                : twoFactor.enable(user(pending), secret, code, pending.user().getName());
        if (codes.isEmpty()) {
            showEnrolment(pending, request, model);
            model.addAttribute("codeError", error.orElse(EnrolmentCheck.NO_MATCH));
            return "account/enrol-step";
        }
        Enrolment.finish(request.getSession());
        String next = flow.secondFactorDone(pending, pending.method() + " + new TOTP", request, response);
        model.addAttribute("recoveryCodes", codes.get());
        model.addAttribute("continueUrl", next);
        if (!next.startsWith("/login/")) {
            model.addAttribute("user", pending.user());
        }
        return "account/recovery-codes";
    }

    @GetMapping("/login/change-password")
    String changePasswordPage(Authentication authentication, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.CHANGE_PASSWORD) {
            return elsewhere(pending);
        }
        model.addAttribute("expired", !user(pending).isMustChangePassword());
        return "account/change-password-step";
    }

    @PostMapping("/login/change-password")
    String changePassword(Authentication authentication,
            @RequestParam(name = "currentPassword", defaultValue = "") String currentPassword,
            @RequestParam(name = "newPassword", defaultValue = "") String newPassword,
            @RequestParam(name = "repeatPassword", defaultValue = "") String repeatPassword,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        PendingSignIn pending = (PendingSignIn) authentication;
        if (pending.step() != PendingSignIn.Step.CHANGE_PASSWORD) {
            return elsewhere(pending);
        }
        AppUser user = user(pending);
        Account account = account(pending);
        model.addAttribute("expired", !user.isMustChangePassword());
        if (user.isLockedAt(clock.instant())) {
            return LoginController.restart(request, SignInState.lockedMessage(user.getLockedUntil()));
        }
        Optional<SignInRefused> throttled = state.throttled(request.getRemoteAddr(), account);
        if (throttled.isPresent()) {
            model.addAttribute("passwordError", throttled.get().getMessage());
            return "account/change-password-step";
        }
        Optional<String> error = passwordChange.change(account, user, currentPassword, newPassword,
                repeatPassword, pending.user().getName());
        if (error.isPresent() && PasswordChange.WRONG_CURRENT.equals(error.get())
                && state.failed(account, user, pending.user().getName(), request.getRemoteAddr(),
                        "wrong current password at the new-password step", true)) {
            return LoginController.restart(request, SignInState.lockedMessage(user(pending).getLockedUntil()));
        }
        if (error.isPresent()) {
            model.addAttribute("expired", !user.isMustChangePassword());
            model.addAttribute("passwordError", error.get());
            return "account/change-password-step";
        }
        flow.complete(pending.user(), pending.method() + ", new password", request, response);
        return "redirect:/devices";
    }

    /** Which second factors the step offers: the code field (app or recovery code), "Use a passkey", or both. */
    private void offer(AppUser user, Model model) {
        boolean passkey = passkeys.has(user.getId());
        model.addAttribute("offerCode", !passkey || user.hasTotp() || twoFactor.recoveryCodesLeft(user) > 0);
        model.addAttribute("offerPasskey", passkey);
    }

    private void showEnrolment(PendingSignIn pending, HttpServletRequest request, Model model) {
        String secret = Enrolment.secret(request.getSession(), pending.user().userId());
        Enrolment.show(model, pending.user().accountName(), pending.user().username(), secret);
        model.addAttribute("enrolAction", "/login/enrol-two-factor");
    }

    /** A step's page asked while another step is pending: to that step's page. */
    private static String elsewhere(PendingSignIn pending) {
        return "redirect:" + pending.step().path();
    }

    private Account account(PendingSignIn pending) {
        return accounts.findById(pending.user().accountId()).orElseThrow();
    }

    private AppUser user(PendingSignIn pending) {
        return users.findById(pending.user().userId()).orElseThrow();
    }
}
