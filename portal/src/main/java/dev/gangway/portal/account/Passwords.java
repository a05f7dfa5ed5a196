package dev.gangway.portal.account;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The account's password policy: minimum length, character classes, maximum age and the last N passwords refused.
 * Hashes with the portal's adaptive {@link PasswordEncoder} (bcrypt). Every password a user sets goes through
 * {@link #change}; admins never see or choose a user's password (invitations and resets are one-time links).
 */
@Component
public class Passwords {

    /** Longer input is refused before hashing (a huge body must not cost a hash). */
    public static final int MAX_LENGTH = 128;

    /** bcrypt hashes at most 72 bytes of UTF-8 and refuses more: the policy says so in words first. */
    public static final int MAX_BYTES = 72;

    /**
     * The hash of a user who has not set a password yet (invited): random bcrypt-shaped bytes that are the hash of
     * no known password. Sign-in refuses it before comparing anyway.
     */
    public static final String NO_PASSWORD = "{bcrypt}$2a$10$1G2vR49SHtRsoGLMJrlnEMh2MC.RoafFqSgRweeKX.AXaixbublHo";

    private final PasswordEncoder encoder;
    private final PasswordHistoryRepository history;
    private final AppUserRepository users;
    private final Clock clock;

    Passwords(PasswordEncoder encoder, PasswordHistoryRepository history, AppUserRepository users, Clock clock) {
        this.encoder = encoder;
        this.history = history;
        this.users = users;
        this.clock = clock;
    }

    /**
     * Checks a new password against the account's policy and, for an existing user, against the current and last
     * N passwords; throws {@link PasswordRejectedException} saying what is wrong.
     */
    @Transactional(readOnly = true)
    public void check(Account account, AppUser user, String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new PasswordRejectedException("Enter a password.");
        }
        if (raw.length() > MAX_LENGTH) {
            throw new PasswordRejectedException("The password is too long: at most " + MAX_LENGTH + " characters.");
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new PasswordRejectedException("The password is too long: at most " + MAX_BYTES
                    + " bytes, that is " + MAX_BYTES + " plain letters, digits or signs, fewer with accented letters"
                    + " or other scripts.");
        }
        if (raw.codePointCount(0, raw.length()) < account.getPasswordMinLength()) {
            throw new PasswordRejectedException("The password is too short: at least "
                    + account.getPasswordMinLength() + " characters.");
        }
        int classes = characterClasses(raw);
        if (classes < account.getPasswordMinClasses()) {
            throw new PasswordRejectedException("The password must mix at least " + account.getPasswordMinClasses()
                    + " of: lower-case letters, upper-case letters, digits, other characters.");
        }
        if (user != null) {
            if (encoder.matches(raw, user.getPasswordHash())) {
                throw new PasswordRejectedException("This is the current password: choose a new one.");
            }
            List<PasswordHistory> previous = history.findByUserIdOrderByCreatedAtDesc(user.getId());
            int n = Math.min(account.getPasswordHistory(), previous.size());
            for (int i = 0; i < n; i++) {
                if (encoder.matches(raw, previous.get(i).getPasswordHash())) {
                    throw new PasswordRejectedException("This password was used before: the account refuses the last "
                            + account.getPasswordHistory() + " passwords.");
                }
            }
        }
    }

    /**
     * Checks, then sets a user's password: the old hash goes to the history, the change time is now and a pending
     * "must change" is cleared.
     */
    @Transactional
    public void change(Account account, AppUser user, String raw) {
        check(account, user, raw);
        if (!NO_PASSWORD.equals(user.getPasswordHash())) {
            history.save(new PasswordHistory(user.getId(), user.getPasswordHash(), clock.instant()));
        }
        user.setPasswordHash(encoder.encode(raw));
        user.setPasswordChangedAt(clock.instant());
        user.setMustChangePassword(false);
        users.save(user);
    }

    /** Whether the user must set a new password before going on: forced, or older than the account allows. */
    public boolean mustChange(Account account, AppUser user, Instant now) {
        if (user.isMustChangePassword()) {
            return true;
        }
        if (account.getPasswordMaxAgeDays() <= 0 || user.getPasswordChangedAt() == null) {
            return false;
        }
        return !now.isBefore(user.getPasswordChangedAt().plus(Duration.ofDays(account.getPasswordMaxAgeDays())));
    }

    /** Counts the classes among lower case, upper case, digits and everything else. */
    static int characterClasses(String raw) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLowerCase(c)) {
                lower = true;
            } else if (Character.isUpperCase(c)) {
                upper = true;
            } else if (Character.isDigit(c)) {
                digit = true;
            } else {
                other = true;
            }
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
