package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PasswordRejectedException;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.system.AuditLog;
import java.io.Serial;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Setting a password through a one-time link. The link is checked again when the form is posted, and used only when
 * the password is accepted: a password the policy refuses leaves the link working. Setting the password ends the
 * user's other links and a lockout, and never signs anyone in: the user then signs in as usual, second factor
 * included.
 */
@Service
class PasswordSetting {

    private final PasswordLinks links;
    private final AppUserRepository users;
    private final AccountRepository accounts;
    private final Passwords passwords;
    private final AuditLog audit;

    PasswordSetting(PasswordLinks links, AppUserRepository users, AccountRepository accounts, Passwords passwords,
            AuditLog audit) {
        this.links = links;
        this.users = users;
        this.accounts = accounts;
        this.passwords = passwords;
        this.audit = audit;
    }

    /** A link that still works, with its user (enabled) and account. */
    record Link(PasswordToken token, AppUser user, Account account) {
    }

    /** The link is unknown, used, ended, or its user is disabled: the page does not say which. */
    static final class InvalidLink extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        InvalidLink() {
            super("this password link is not valid any more");
        }
    }

    @Transactional(readOnly = true)
    Optional<Link> find(String token) {
        return links.usable(token).flatMap(t -> users.findById(t.getUserId()).filter(AppUser::isEnabled)
                .flatMap(u -> accounts.findById(u.getAccountId()).map(a -> new Link(t, u, a))));
    }

    /**
     * Sets the password of the link's user.
     *
     * @throws InvalidLink when the link does not work (any more)
     * @throws PasswordRejectedException when the account's policy refuses the password; nothing is changed
     */
    @Transactional
    void set(String token, String raw) {
        Link link = find(token).orElseThrow(InvalidLink::new);
        AppUser user = link.user();
        user.setFailedAttempts(0);
        user.setLockedUntil(null);
        passwords.change(link.account(), user, raw);
        if (!links.markUsed(link.token())) {
            throw new InvalidLink();
        }
        links.endAll(user);
        audit.record("password.set", "ok", link.account().getName() + "/" + user.getUsername(),
                link.account().getId(), null, "through the " + link.token().getPurpose() + " link");
    }
}
