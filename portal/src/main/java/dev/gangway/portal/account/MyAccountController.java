package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "My account": the signed-in user changes their password and sets up or removes their second factor (authenticator
 * app; passkeys are added by {@link PasskeyController} and deleted here, with the current password). Changing either
 * ends the user's other sessions (their stamp no longer matches, see {@link SignInGuard}) and keeps this one.
 *
 * <p>The phone number for alarm SMS is saved without the password: it only decides where the user's own alarm SMS
 * go, and is audited ({@code user.phone}). Every other change asks for the current password (turning the app off and
 * deleting a passkey, for the code too); a wrong one counts as a failed sign-in ({@link SignInState#failed}: the
 * user's lockout and the address and account throttles), a throttled address or account is refused without
 * checking, and when a failure locks the user this session ends.
 */
@Controller
class MyAccountController {

    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final PasswordChange passwordChange;
    private final TwoFactor twoFactor;
    private final SignInFlow flow;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final Passkeys passkeys;
    private final SignInState state;
    private final PhoneNumberChange phoneNumbers;

    MyAccountController(AccountRepository accounts, AppUserRepository users, PasswordChange passwordChange,
            TwoFactor twoFactor, SignInFlow flow, PasswordEncoder encoder, AuditLog audit, Passkeys passkeys,
            SignInState state, PhoneNumberChange phoneNumbers) {
        this.state = state;
        this.phoneNumbers = phoneNumbers;
        this.passkeys = passkeys;
        this.accounts = accounts;
        this.users = users;
        this.passwordChange = passwordChange;
        this.twoFactor = twoFactor;
        this.flow = flow;
        this.encoder = encoder;
        this.audit = audit;
    }

    @GetMapping("/account")
    String show(@AuthenticationPrincipal PortalUser me, Model model) {
        describe(me, model);
        return "account/show";
    }

    @PostMapping("/account/password")
    String changePassword(@AuthenticationPrincipal PortalUser me,
            @RequestParam(name = "currentPassword", defaultValue = "") String currentPassword,
            @RequestParam(name = "newPassword", defaultValue = "") String newPassword,
            @RequestParam(name = "repeatPassword", defaultValue = "") String repeatPassword,
            HttpServletRequest request, Model model) {
        AppUser user = user(me);
        Account account = account(me);
        Optional<String> error = throttled(request, account);
        if (error.isEmpty()) {
            error = passwordChange.change(account, user, currentPassword, newPassword, repeatPassword, me.getName());
            if (error.isPresent() && PasswordChange.WRONG_CURRENT.equals(error.get())
                    && countFailure(me, account, user, request, "wrong current password (change password)")) {
                return endLocked(me, request);
            }
        }
        if (error.isPresent()) {
            describe(me, model);
            model.addAttribute("passwordError", error.get());
            return "account/show";
        }
        flow.restamp(request, user(me));
        return "redirect:/account?password-changed";
    }

    /** Sets or clears (empty) the user's phone number for alarm SMS. */
    @PostMapping("/account/phone")
    String changePhone(@AuthenticationPrincipal PortalUser me,
            @RequestParam(name = "phoneNumber", defaultValue = "") String phoneNumber, Model model) {
        AppUser user = user(me);
        Optional<String> number;
        try {
            number = PhoneNumbers.normalise(phoneNumber);
        } catch (IllegalArgumentException e) {
            describe(me, model);
            model.addAttribute("phoneError", e.getMessage());
            model.addAttribute("phoneValue", phoneNumber.length() > 40 ? "" : phoneNumber);
            return "account/show";
        }
        phoneNumbers.set(user, number.orElse(null), me.getName());
        return "redirect:/account?phone-saved";
    }

    @GetMapping("/account/two-factor")
    String twoFactorPage(@AuthenticationPrincipal PortalUser me, HttpServletRequest request, Model model) {
        showTwoFactor(me, request, model);
        return "account/two-factor";
    }

    @PostMapping("/account/two-factor")
    String enable(@AuthenticationPrincipal PortalUser me,
            @RequestParam(name = "currentPassword", defaultValue = "") String currentPassword,
            @RequestParam(defaultValue = "") String code, HttpServletRequest request, Model model) {
        AppUser user = user(me);
        if (user.hasTotp()) {
            return "redirect:/account/two-factor";
        }
        Account account = account(me);
        String secret = Enrolment.secret(request.getSession(), me.userId());
        Optional<String> error = throttled(request, account);
        if (error.isEmpty() && currentPassword.isEmpty()) {
            error = Optional.of("Enter your current password.");
        } else if (error.isEmpty() && !passwordMatches(currentPassword, user)) {
            if (countFailure(me, account, user, request, "wrong current password (turn on two-factor)")) {
                return endLocked(me, request);
            }
            error = Optional.of(PasswordChange.WRONG_CURRENT);
        }
        if (error.isPresent()) {
            audit.record("totp.enable", "refused", me.getName(), me.accountId(), null, error.get());
            showTwoFactor(me, request, model);
            model.addAttribute("codeError", error.get());
            return "account/two-factor";
        }
        error = EnrolmentCheck.codeError(code);
        Optional<List<String>> codes = error.isPresent() ? Optional.empty()
                : twoFactor.enable(user, secret, code, me.getName());
        if (codes.isEmpty()) {
            showTwoFactor(me, request, model);
            model.addAttribute("codeError", error.orElse(EnrolmentCheck.NO_MATCH));
            return "account/two-factor";
        }
        Enrolment.finish(request.getSession());
        flow.restamp(request, user(me));
        model.addAttribute("recoveryCodes", codes.get());
        model.addAttribute("continueUrl", "/account");
        return "account/recovery-codes";
    }

    @PostMapping("/account/two-factor/disable")
    String disable(@AuthenticationPrincipal PortalUser me,
            @RequestParam(name = "currentPassword", defaultValue = "") String currentPassword,
            @RequestParam(defaultValue = "") String code, HttpServletRequest request, Model model) {
        AppUser user = user(me);
        if (!user.hasTotp()) {
            return "redirect:/account/two-factor";
        }
        Account account = account(me);
        String error = throttled(request, account).orElse(null);
        if (error != null) {
            // throttled: neither password nor code is checked
        } else if (currentPassword.isEmpty()) {
            error = "Enter your current password.";
        } else if (!passwordMatches(currentPassword, user)) {
            if (countFailure(me, account, user, request, "wrong current password (turn off two-factor)")) {
                return endLocked(me, request);
            }
            error = PasswordChange.WRONG_CURRENT;
        } else {
            TwoFactor.Outcome outcome = twoFactor.verify(user, code, me.getName());
            if (outcome == TwoFactor.Outcome.MALFORMED) {
                error = SignInStepController.CODE_HELP;
            } else if (!outcome.accepted()) {
                if (countFailure(me, account, user, request, outcome == TwoFactor.Outcome.REUSED
                        ? "second-factor code used before (turn off two-factor)"
                        : "wrong second-factor code (turn off two-factor)")) {
                    return endLocked(me, request);
                }
                error = outcome == TwoFactor.Outcome.REUSED ? "This code was used already: wait for the next one."
                        : "The code is not correct. " + SignInStepController.CODE_HELP;
            }
        }
        if (error != null) {
            audit.record("totp.disable", "refused", me.getName(), me.accountId(), null, error);
            showTwoFactor(me, request, model);
            model.addAttribute("disableError", error);
            return "account/two-factor";
        }
        twoFactor.disable(user, me.getName());
        flow.restamp(request, user(me));
        return "redirect:/account/two-factor?disabled";
    }

    /**
     * Deletes one of the user's own passkeys (the id is looked up among this user's passkeys only); needs the
     * current password, like turning the app off.
     */
    @PostMapping("/account/passkeys/delete")
    String deletePasskey(@AuthenticationPrincipal PortalUser me,
            @RequestParam(name = "credentialId", defaultValue = "") String credentialId,
            @RequestParam(name = "currentPassword", defaultValue = "") String currentPassword,
            HttpServletRequest request, Model model) {
        AppUser user = user(me);
        boolean own = credentialId.length() <= 1400 && passkeys.of(me.userId()).stream()
                .anyMatch(p -> p.getCredentialId().equals(credentialId));
        Account account = account(me);
        Optional<String> throttle = throttled(request, account);
        String error = null;
        if (!own) {
            error = "This passkey does not exist (any more): reload the page.";
        } else if (currentPassword.isEmpty()) {
            error = "Enter your current password to delete a passkey.";
        } else if (throttle.isPresent()) {
            error = throttle.get();
        } else if (!passwordMatches(currentPassword, user)) {
            if (countFailure(me, account, user, request, "wrong current password (delete a passkey)")) {
                return endLocked(me, request);
            }
            error = PasswordChange.WRONG_CURRENT;
        }
        if (error != null) {
            audit.record("passkey.delete", "refused", me.getName(), me.accountId(), null, error);
            describe(me, model);
            model.addAttribute("passkeyDeleteError", error);
            model.addAttribute("passkeyDeleteId", credentialId);
            return "account/show";
        }
        passkeys.delete(user, credentialId, me.getName());
        flow.restamp(request, user(me));
        return "redirect:/account?passkey-deleted";
    }

    private boolean passwordMatches(String currentPassword, AppUser user) {
        return currentPassword.length() <= Passwords.MAX_LENGTH
                && encoder.matches(currentPassword, user.getPasswordHash());
    }

    /** A throttled address or account: the refusal in words (nothing typed is checked then). */
    private Optional<String> throttled(HttpServletRequest request, Account account) {
        return state.throttled(request.getRemoteAddr(), account).map(SignInRefused::getMessage);
    }

    /**
     * A wrong current password or code on this page counts like a failed sign-in (lockout, throttles, audit), so a
     * stolen session cannot guess them without limit. Returns whether this failure locked the user.
     */
    private boolean countFailure(PortalUser me, Account account, AppUser user, HttpServletRequest request,
            String reason) {
        return state.failed(account, user, me.getName(), request.getRemoteAddr(), reason, true);
    }

    /** The user was locked by a failure on this page: this session ends too (to the sign-in page, in words). */
    private String endLocked(PortalUser me, HttpServletRequest request) {
        AppUser user = user(me);
        audit.record("session.end", "ended", me.getName(), me.accountId(), null,
                "the user was locked after failed confirmations on My account");
        return LoginController.restart(request, SignInState.lockedMessage(user.getLockedUntil()));
    }

    private void describe(PortalUser me, Model model) {
        AppUser user = user(me);
        Account account = account(me);
        model.addAttribute("me", user);
        model.addAttribute("account", account);
        model.addAttribute("twoFactorRequired", account.isRequireTwoFactor() || user.isRequireTwoFactor());
        model.addAttribute("recoveryCodesLeft", user.hasTotp() ? twoFactor.recoveryCodesLeft(user) : 0);
        model.addAttribute("totpSince", user.getTotpEnabledAt() == null ? "" : SINCE.format(user.getTotpEnabledAt()));
        List<PasskeyView> keys = passkeys.of(user.getId()).stream().map(p -> new PasskeyView(p.getCredentialId(),
                p.getLabel(), SINCE.format(p.getCreatedAt()),
                p.getLastUsedAt() == null ? "never" : SINCE.format(p.getLastUsedAt()))).toList();
        model.addAttribute("passkeys", keys);
        model.addAttribute("twoFactorOn", user.hasTotp() || !keys.isEmpty());
        model.addAttribute("passkeyMaxLabel", Passkey.MAX_LABEL_LENGTH);
        if (!model.containsAttribute("phoneValue")) {
            model.addAttribute("phoneValue", user.getPhoneNumber() == null ? "" : user.getPhoneNumber());
        }
    }

    /** A passkey as the account page lists it. */
    record PasskeyView(String credentialId, String label, String created, String lastUsed) {
    }

    private void showTwoFactor(PortalUser me, HttpServletRequest request, Model model) {
        describe(me, model);
        AppUser user = user(me);
        if (!user.hasTotp()) {
            Enrolment.show(model, me.accountName(), me.username(), Enrolment.secret(request.getSession(),
                    me.userId()));
            model.addAttribute("enrolAction", "/account/two-factor");
            model.addAttribute("askCurrentPassword", true);
        }
    }

    private Account account(PortalUser me) {
        return accounts.findById(me.accountId()).orElseThrow();
    }

    private AppUser user(PortalUser me) {
        return users.findById(me.userId()).orElseThrow();
    }
}
