package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The second factor: an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, one step of drift either way)
 * with ten one-time recovery codes.
 *
 * <ul>
 *   <li>The secret is 20 random bytes, stored encrypted ({@link SecretBox}); it is shown once, at enrolment, and
 *       only saved after the user proved their app has it by typing a code.</li>
 *   <li>A code works once: the last accepted time step is stored and only a later step is accepted (a conditional
 *       update, so two concurrent uses of one code cannot both win).</li>
 *   <li>Recovery codes are stored as SHA-256 hashes and each works once.</li>
 *   <li>Enabling, disabling and {@link #reset} forget every remembered browser of the user.</li>
 *   <li>Passkeys ({@link Passkeys}) are the other second factor; turning the app off keeps them, an admin's
 *       {@link #reset} removes them too.</li>
 * </ul>
 */
@Component
public class TwoFactor {

    /** How many recovery codes a user gets. */
    static final int RECOVERY_CODES = 10;

    /** Recovery code characters: lower case and digits without look-alikes (0/o, 1/l/i). */
    private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int RECOVERY_LENGTH = 12;

    /** The longest input looked at as a code (a recovery code with dashes and spaces is 14). */
    static final int MAX_CODE_LENGTH = 32;

    private final AppUserRepository users;
    private final RecoveryCodeRepository recoveryCodes;
    private final TrustedBrowsers trustedBrowsers;
    private final SecretBox secretBox;
    private final Passkeys passkeys;
    private final AuditLog audit;
    private final Clock clock;

    TwoFactor(AppUserRepository users, RecoveryCodeRepository recoveryCodes, TrustedBrowsers trustedBrowsers,
            SecretBox secretBox, Passkeys passkeys, AuditLog audit, Clock clock) {
        this.passkeys = passkeys;
        this.users = users;
        this.recoveryCodes = recoveryCodes;
        this.trustedBrowsers = trustedBrowsers;
        this.secretBox = secretBox;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a typed code turned out to be. */
    enum Outcome {
        /** A current TOTP code, now used. */
        TOTP,
        /** An unused recovery code, now used. */
        RECOVERY_CODE,
        /** A TOTP code whose time step was already used. */
        REUSED,
        /** Neither a current code nor an unused recovery code. */
        WRONG,
        /** Not even shaped like a code (empty, too long, letters where digits go). */
        MALFORMED;

        boolean accepted() {
            return this == TOTP || this == RECOVERY_CODE;
        }
    }

    /** A fresh secret for enrolment, in base32 as the user types it into an app. */
    static String newSecret() {
        return Base32.encode(Tokens.randomBytes(20));
    }

    /** The {@code otpauth://} URI authenticator apps read from the QR code. */
    static String otpauthUri(String accountName, String username, String base32Secret) {
        String label = enc("Gangway:" + accountName + "/" + username);
        return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=Gangway&algorithm=SHA1&digits="
                + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
    }

    /** The base32 secret in groups of four, easier to type. */
    static String grouped(String base32Secret) {
        return base32Secret.replaceAll("(.{4})(?!$)", "$1 ");
    }

    /** Input as typed, without spaces and dashes, lower case; null stays empty. */
    static String normalise(String input) {
        return input == null ? "" : input.replace(" ", "").replace("-", "").strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks the code an enrolling user typed against the secret they were shown; when it matches, stores the
     * secret (that step counts as used), replaces the recovery codes and returns the new ones, to be shown once.
     * Empty when the code does not match: nothing is changed then.
     */
    @Transactional
    public Optional<List<String>> enable(AppUser user, String base32Secret, String code, String actor) {
        String typed = normalise(code);
        if (!Totp.looksLikeCode(typed)) {
            return Optional.empty();
        }
        long step = Totp.matchingStep(Base32.decode(base32Secret), typed, Totp.step(clock.instant()));
        if (step < 0) {
            return Optional.empty();
        }
        AppUser managed = users.findById(user.getId()).orElseThrow();
        managed.setTotpSecret(secretBox.seal(Base32.decode(base32Secret), managed.getId()));
        managed.setTotpLastStep(step);
        managed.setTotpEnabledAt(clock.instant());
        users.save(managed);
        trustedBrowsers.forget(managed.getId());
        List<String> codes = newRecoveryCodes(managed.getId());
        audit.record("totp.enable", "ok", actor, managed.getAccountId(), null, "authenticator app enrolled for "
                + managed.getUsername() + "; " + RECOVERY_CODES + " new recovery codes");
        copy(managed, user);
        return Optional.of(codes);
    }

    /**
     * Checks a code typed at sign-in or to confirm a change: a current TOTP code (used up), or an unused recovery
     * code (used up, audited). Does not count failures; the caller does.
     */
    @Transactional
    public Outcome verify(AppUser user, String input, String actor) {
        String typed = normalise(input);
        if (typed.isEmpty() || typed.length() > MAX_CODE_LENGTH) {
            return Outcome.MALFORMED;
        }
        AppUser managed = users.findById(user.getId()).orElseThrow();
        if (Totp.looksLikeCode(typed)) {
            if (!managed.hasTotp()) {
                return Outcome.WRONG;
            }
            byte[] secret = secretBox.open(managed.getTotpSecret(), managed.getId());
            long step = Totp.matchingStep(secret, typed, Totp.step(clock.instant()));
            if (step < 0) {
                return Outcome.WRONG;
            }
            if (users.acceptTotpStep(managed.getId(), step) == 0) {
                return Outcome.REUSED;
            }
            user.setTotpLastStep(step);
            return Outcome.TOTP;
        }
        if (typed.length() != RECOVERY_LENGTH || !typed.chars().allMatch(c -> RECOVERY_ALPHABET.indexOf(c) >= 0)) {
            return Outcome.MALFORMED;
        }
        Optional<RecoveryCode> code = recoveryCodes.findByUserIdAndCodeHashAndUsedAtIsNull(managed.getId(),
                Tokens.sha256(typed));
        if (code.isEmpty() || recoveryCodes.markUsed(code.get().getId(), clock.instant()) == 0) {
            return Outcome.WRONG;
        }
        long left = recoveryCodes.countByUserIdAndUsedAtIsNull(managed.getId());
        audit.record("recovery.use", "ok", actor, managed.getAccountId(), null, "recovery code used by "
                + managed.getUsername() + "; " + left + " left");
        return Outcome.RECOVERY_CODE;
    }

    /**
     * The user turns their authenticator app off (after proving password and code); audited. Their passkeys stay
     * (each is deleted on its own on the account page).
     */
    @Transactional
    public void disable(AppUser user, String actor) {
        removeApp(user);
        audit.record("totp.disable", "ok", actor, user.getAccountId(), null, "authenticator app and recovery codes "
                + "removed for " + user.getUsername());
    }

    /**
     * Removes a user's second factor: authenticator app, recovery codes, passkeys and remembered browsers. For the
     * users page ("reset two-factor", when a user lost their phone or key); the caller checks the admin's right,
     * audits and publishes {@link UserAccessEnded}. The user's signed-in sessions end at their next request (their
     * sign-in details changed); if two-factor is required, their next sign-in enrols a new app.
     */
    @Transactional
    public void reset(AppUser user) {
        removeApp(user);
        passkeys.deleteAll(user.getId());
        AppUser reloaded = users.findById(user.getId()).orElseThrow();
        user.setPasskeysChangedAt(reloaded.getPasskeysChangedAt());
    }

    private void removeApp(AppUser user) {
        AppUser managed = users.findById(user.getId()).orElseThrow();
        managed.setTotpSecret(null);
        managed.setTotpLastStep(0);
        managed.setTotpEnabledAt(null);
        users.save(managed);
        recoveryCodes.deleteByUser(managed.getId());
        trustedBrowsers.forget(managed.getId());
        copy(managed, user);
    }

    /**
     * Forgets every remembered browser of the user, so that the next sign-in asks for the second factor again: for
     * the users page when a user is disabled or their password is reset (the caller audits).
     */
    @Transactional
    public void forgetRememberedBrowsers(AppUser user) {
        trustedBrowsers.forget(user.getId());
    }

    /** How many unused recovery codes the user has. */
    @Transactional(readOnly = true)
    public long recoveryCodesLeft(AppUser user) {
        return recoveryCodes.countByUserIdAndUsedAtIsNull(user.getId());
    }

    private List<String> newRecoveryCodes(String userId) {
        recoveryCodes.deleteByUser(userId);
        Instant now = clock.instant();
        List<String> codes = new ArrayList<>(RECOVERY_CODES);
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String code = Tokens.randomText(RECOVERY_ALPHABET, RECOVERY_LENGTH);
            recoveryCodes.save(new RecoveryCode(userId, Tokens.sha256(code), now));
            codes.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8));
        }
        return codes;
    }

    /** Keeps the caller's (detached) copy in step with what was saved. */
    private static void copy(AppUser from, AppUser to) {
        if (from != to) {
            to.setTotpSecret(from.getTotpSecret());
            to.setTotpLastStep(from.getTotpLastStep());
            to.setTotpEnabledAt(from.getTotpEnabledAt());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
