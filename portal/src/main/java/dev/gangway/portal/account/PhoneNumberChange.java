package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.util.Objects;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sets a user's phone number for alarm SMS and audits it ({@code user.phone}) in one transaction; on My account for
 * oneself, on the users pages by administrators and user managers (who check first that they may act on the user).
 */
@Service
public class PhoneNumberChange {

    private final AppUserRepository users;
    private final AuditLog audit;

    PhoneNumberChange(AppUserRepository users, AuditLog audit) {
        this.users = users;
        this.audit = audit;
    }

    /**
     * @param phoneNumber in the form {@link PhoneNumbers#normalise} gives, or null to remove it
     * @param actor {@code account/user} of who changes it
     * @return whether it changed (an unchanged number is not audited)
     */
    @Transactional
    public boolean set(AppUser user, String phoneNumber, String actor) {
        AppUser target = users.findById(user.getId()).orElseThrow();
        if (Objects.equals(target.getPhoneNumber(), phoneNumber)) {
            return false;
        }
        target.setPhoneNumber(phoneNumber);
        audit.record("user.phone", "ok", actor, target.getAccountId(), null, "user " + target.getUsername()
                + ", phone number " + (phoneNumber == null ? "removed" : phoneNumber));
        return true;
    }
}
