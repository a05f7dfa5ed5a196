package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A user changes their own password (at sign-in when it expired or must change, and on "My account"): the current
 * password, the new one twice, then the account's policy ({@link Passwords#change}). Everything is checked before
 * anything is written; audited either way (never the passwords). A change forgets the user's remembered browsers.
 * A wrong current password ({@link #WRONG_CURRENT}) is counted as a failed sign-in by the caller.
 */
@Component
class PasswordChange {

    /** The refusal for a wrong current password: callers count it as a failed sign-in. */
    static final String WRONG_CURRENT = "The current password is not correct.";

    private final Passwords passwords;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final TrustedBrowsers trustedBrowsers;

    PasswordChange(Passwords passwords, PasswordEncoder encoder, AuditLog audit, TransactionTemplate transactions,
            TrustedBrowsers trustedBrowsers) {
        this.trustedBrowsers = trustedBrowsers;
        this.passwords = passwords;
        this.encoder = encoder;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Changes the password, or returns the sentence that says why not (nothing changed then). The checks run before
     * the transaction that writes (a policy refusal inside it would mark it for rollback); the change and its audit
     * line commit together.
     */
    Optional<String> change(Account account, AppUser user, String current, String fresh, String repeat,
            String actor) {
        Optional<String> error = check(account, user, current, fresh, repeat);
        if (error.isPresent()) {
            audit.record("password.change", "refused", actor, account.getId(), null, error.get());
            return error;
        }
        transactions.executeWithoutResult(tx -> {
            passwords.change(account, user, fresh);
            trustedBrowsers.forget(user.getId());
            audit.record("password.change", "ok", actor, account.getId(), null, "password changed by the user");
        });
        return Optional.empty();
    }

    private Optional<String> check(Account account, AppUser user, String current, String fresh, String repeat) {
        if (current.isEmpty()) {
            return Optional.of("Enter your current password.");
        }
        if (current.length() > Passwords.MAX_LENGTH || !encoder.matches(current, user.getPasswordHash())) {
            return Optional.of(WRONG_CURRENT);
        }
        if (fresh.isEmpty()) {
            return Optional.of("Enter a new password.");
        }
        if (!fresh.equals(repeat)) {
            return Optional.of("The new password and its repetition differ: type the same password twice.");
        }
        try {
            passwords.check(account, user, fresh);
        } catch (PasswordRejectedException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }
}
