package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.io.Serial;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Component;

/**
 * Sign-in for the Gangway client (the client API, {@code POST /api/client/v1/sessions}): the same rules as the
 * sign-in form, in one request. Password step, throttles, lockout, refusal texts and audit are the form's own
 * ({@link AccountAuthenticationProvider#checkPassword}); then:
 *
 * <ul>
 *   <li>a user with an authenticator app must send a code (a TOTP code or a recovery code, used up as on the form);
 *       none: {@link Refusal#TWO_FACTOR_REQUIRED}; a wrong or reused one counts towards the lockout and the
 *       throttles ({@link Refusal#TWO_FACTOR_WRONG}; {@link Refusal#REFUSED} with the lock's message when it
 *       locked the user);</li>
 *   <li>a user whose only second factor is a passkey cannot use it here (the client has no browser):
 *       {@link Refusal#REFUSED}, "add an authenticator app on My account";</li>
 *   <li>a user who must set a new password is sent to the portal in a browser before any code is checked (a
 *       recovery code is not used up by a sign-in refused anyway); one who must enrol a second factor likewise:
 *       {@link Refusal#REFUSED} saying so (enrolment and password changes need the pages);</li>
 *   <li>the user is read again right before the code is checked: one locked meanwhile (by parallel requests) is
 *       refused with the lock's message, and the code is not checked;</li>
 *   <li>success is audited {@code signin}/{@code ok} with the method ({@code client: password + TOTP}) and resets
 *       the user's count of failures, as a completed sign-in on the form does.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; each call reads the database. Not transactional as a whole: a counted failure must
 * commit although the sign-in fails.
 */
@Component
public class ClientSignIn {

    /** Why a client sign-in was refused; the client API maps each to its error code and status. */
    public enum Refusal {
        /** Unknown account or user, or a wrong password (one message for all). */
        BAD_CREDENTIALS,
        /** The password was right; the user has an authenticator app and no code was sent. */
        TWO_FACTOR_REQUIRED,
        /** The code was wrong, used before, or not shaped like a code. */
        TWO_FACTOR_WRONG,
        /** Locked, disabled, access ended, invited, passkey only, enrolment or a new password needed. */
        REFUSED,
        /** The client address or the account failed too often lately. */
        THROTTLED
    }

    /** A refused client sign-in; the message is for the user (never a secret). */
    public static final class RefusedException extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /**
     * A completed client sign-in.
     *
     * @param user the signed-in user
     * @param stamp the user's credentials stamp now (password and second factor); a change ends the session
     * @param sessionIdleMinutes the account's idle timeout (0: none)
     * @param sessionAbsoluteHours the account's absolute session lifetime (0: the caller's default)
     * @param method how the user signed in, as audited ({@code client: password + TOTP})
     */
    public record SignedIn(PortalUser user, String stamp, int sessionIdleMinutes, int sessionAbsoluteHours,
            String method) {
    }

    /**
     * The user behind a client session, read at each use of it.
     *
     * @param user the user as now, or null when deleted
     * @param endedWhy why the session may not go on (disabled, access ended, password or second factor changed),
     *     or null
     * @param sessionIdleMinutes the account's idle timeout now (0: none)
     */
    public record Standing(PortalUser user, String endedWhy, int sessionIdleMinutes) {

        public boolean ended() {
            return endedWhy != null;
        }
    }

    static final String PASSKEY_ONLY = "This user signs in with a passkey, which the client cannot use: add an "
            + "authenticator app on My account in the portal, then sign in with the client again.";
    static final String ENROL_FIRST = "Two-factor sign-in is required for this user: sign in to the portal once in a "
            + "browser to set up an authenticator app, then sign in with the client again.";
    static final String NEW_PASSWORD_FIRST = "The password of this user must be changed: sign in to the portal in a "
            + "browser to set a new one, then sign in with the client again.";
    static final String BAD_CREDENTIALS_MESSAGE = "account, user name or password is not correct";
    static final String CODE_NEEDED = "This user signs in with a second factor: send the 6-digit code from the "
            + "authenticator app, or one of the recovery codes.";

    private final AccountAuthenticationProvider passwordStep;
    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final TwoFactor twoFactor;
    private final PasskeyRepository passkeys;
    private final Passwords passwords;
    private final SignInState state;
    private final AuditLog audit;
    private final Clock clock;

    ClientSignIn(AccountAuthenticationProvider passwordStep, AccountRepository accounts, AppUserRepository users,
            TwoFactor twoFactor, PasskeyRepository passkeys, Passwords passwords, SignInState state, AuditLog audit,
            Clock clock) {
        this.passwordStep = passwordStep;
        this.accounts = accounts;
        this.users = users;
        this.twoFactor = twoFactor;
        this.passkeys = passkeys;
        this.passwords = passwords;
        this.state = state;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Signs a user in for the client.
     *
     * @param code a TOTP code or a recovery code, or null/empty when the user typed none
     * @param address the client's address (for the throttle and the audit trail)
     * @throws RefusedException why not, in words for the user
     */
    public SignedIn signIn(String accountName, String username, String password, String code, String address) {
        AccountAuthenticationProvider.PasswordChecked checked;
        try {
            checked = passwordStep.checkPassword(accountName == null ? "" : accountName.strip(), username,
                    password == null ? "" : password, address);
        } catch (SignInThrottled e) {
            throw new RefusedException(Refusal.THROTTLED, e.getMessage());
        } catch (SignInRefused e) {
            throw new RefusedException(Refusal.REFUSED, e.getMessage());
        } catch (BadCredentialsException e) {
            throw new RefusedException(Refusal.BAD_CREDENTIALS, e.getMessage());
        }
        Account account = checked.account();
        AppUser user = checked.user();
        String actor = SignInFlow.portalUser(account, user).getName();
        // before the second factor: a recovery code (or a TOTP step) must not be used up by a sign-in that is
        // refused anyway
        if (passwords.mustChange(account, user, clock.instant())) {
            throw refused(account, actor, "client: new password needed", NEW_PASSWORD_FIRST);
        }
        String method = "client: password";
        if (user.hasTotp()) {
            method += secondFactor(account, user, actor, code, address);
        } else if (passkeys.existsByUserId(user.getId())) {
            throw refused(account, actor, "client: passkey only", PASSKEY_ONLY);
        } else if (account.isRequireTwoFactor() || user.isRequireTwoFactor()) {
            throw refused(account, actor, "client: two-factor enrolment needed", ENROL_FIRST);
        }
        AppUser now = users.findById(user.getId()).orElseThrow();
        audit.record("signin", "ok", actor, account.getId(), null, method);
        state.succeeded(now);
        return new SignedIn(SignInFlow.portalUser(account, now), SignInFlow.stamp(now),
                account.getSessionIdleMinutes(), account.getSessionAbsoluteHours(), method);
    }

    /**
     * The user of a client session now: deleted, moved, disabled or past their access end, or with another
     * password or second factor than at sign-in ({@code stamp}), ends the session. Two reads by primary key.
     */
    public Standing standing(String accountId, String userId, String stamp) {
        Optional<AppUser> found = users.findById(userId);
        if (found.isEmpty() || !found.get().getAccountId().equals(accountId)) {
            return new Standing(null, "the user was deleted", 0);
        }
        AppUser user = found.get();
        Optional<Account> account = accounts.findById(accountId);
        if (account.isEmpty()) {
            return new Standing(null, "the account was deleted", 0);
        }
        PortalUser portalUser = SignInFlow.portalUser(account.get(), user);
        int idle = account.get().getSessionIdleMinutes();
        Instant now = clock.instant();
        if (!user.isEnabled()) {
            return new Standing(portalUser, "the user was disabled", idle);
        }
        if (user.isExpiredAt(now)) {
            return new Standing(portalUser, "the user's access ended", idle);
        }
        if (!SignInFlow.stamp(user).equals(stamp)) {
            return new Standing(portalUser, "the user's password or second factor changed", idle);
        }
        return new Standing(portalUser, null, idle);
    }

    /** Checks the code; returns how it was signed in (" + TOTP", " + recovery code"), or throws. */
    private String secondFactor(Account account, AppUser user, String actor, String code, String address) {
        if (code == null || code.isBlank()) {
            throw new RefusedException(Refusal.TWO_FACTOR_REQUIRED, CODE_NEEDED);
        }
        Optional<SignInRefused> throttled = state.throttled(address, account);
        if (throttled.isPresent()) {
            throw new RefusedException(Refusal.THROTTLED, throttled.get().getMessage());
        }
        // Read the user again: parallel requests with the right password all passed the password step before one
        // of them locked the user; none may have a code checked after the lock (as on the form's code step).
        Optional<AppUser> current = users.findById(user.getId());
        if (current.isEmpty()) {
            throw new RefusedException(Refusal.BAD_CREDENTIALS, BAD_CREDENTIALS_MESSAGE);
        }
        if (current.get().isLockedAt(clock.instant())) {
            throw refused(account, actor, "client: locked before the second factor",
                    SignInState.lockedMessage(current.get().getLockedUntil()));
        }
        TwoFactor.Outcome outcome = twoFactor.verify(current.get(), code, actor);
        if (outcome == TwoFactor.Outcome.TOTP) {
            return " + TOTP";
        }
        if (outcome == TwoFactor.Outcome.RECOVERY_CODE) {
            return " + recovery code";
        }
        if (outcome == TwoFactor.Outcome.MALFORMED) {
            // not even shaped like a code: no guess, not counted (as on the form)
            throw new RefusedException(Refusal.TWO_FACTOR_WRONG, "The code is not a code: "
                    + SignInStepController.CODE_HELP);
        }
        boolean reused = outcome == TwoFactor.Outcome.REUSED;
        boolean locked = state.failed(account, user, actor, address,
                reused ? "client: second-factor code used before" : "client: wrong second-factor code", true);
        if (locked) {
            AppUser lockedUser = users.findById(user.getId()).orElseThrow();
            throw new RefusedException(Refusal.REFUSED, SignInState.lockedMessage(lockedUser.getLockedUntil()));
        }
        throw new RefusedException(Refusal.TWO_FACTOR_WRONG, reused
                ? "This code was used already: wait for the next one in your app (a new one comes every 30 seconds)."
                : "The code is not correct. " + SignInStepController.CODE_HELP);
    }

    /** A refusal after the right password (nothing to count: the password was right); audited. */
    private RefusedException refused(Account account, String actor, String reason, String message) {
        audit.record("signin", "refused", actor, account.getId(), null, reason);
        return new RefusedException(Refusal.REFUSED, message);
    }
}
