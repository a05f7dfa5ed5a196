package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.system.AuditLog;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The account's settings (password policy, lockout, session lifetimes, two-factor), changed by its administrators
 * only. Every field is checked before anything is saved; the audit event names each changed field with its old and
 * new value (none of them is a secret).
 */
@Service
class AccountSettings {

    static final String REQUIRE_TWO_FACTOR = "requireTwoFactor";

    private final AccountRepository accounts;
    private final Access access;
    private final AuditLog audit;
    private final EntityManager entityManager;

    AccountSettings(AccountRepository accounts, Access access, AuditLog audit, EntityManager entityManager) {
        this.accounts = accounts;
        this.access = access;
        this.audit = audit;
        this.entityManager = entityManager;
    }

    @Transactional(readOnly = true)
    Account load(PortalUser actor) {
        access.requireAdmin(actor);
        return accounts.findById(actor.accountId()).orElseThrow(UnknownUser::new);
    }

    /**
     * Saves the typed settings.
     *
     * @param typed property name → typed text, for each {@link SettingField}
     * @return the changes, e.g. {@code passwordMinLength 12 -> 14}; empty when nothing changed
     * @throws InvalidInput property name → sentence, when any value is wrong; nothing is saved then
     */
    @Transactional
    List<String> save(PortalUser actor, Map<String, String> typed, boolean requireTwoFactor) {
        access.requireAdmin(actor);
        Account account = entityManager.find(Account.class, actor.accountId(), LockModeType.PESSIMISTIC_WRITE);
        if (account == null) {
            throw new UnknownUser();
        }
        Map<SettingField, Integer> values = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (SettingField field : SettingField.values()) {
            try {
                values.put(field, field.parse(typed.get(field.property())));
            } catch (IllegalArgumentException e) {
                errors.put(field.property(), e.getMessage());
            }
        }
        Integer idle = values.get(SettingField.SESSION_IDLE_MINUTES);
        Integer absolute = values.get(SettingField.SESSION_ABSOLUTE_HOURS);
        if (idle != null && absolute != null && absolute * 60 < idle) {
            errors.put(SettingField.SESSION_ABSOLUTE_HOURS.property(), SettingField.SESSION_ABSOLUTE_HOURS.label()
                    + ": a session cannot end before its idle timeout (" + idle + " minutes): enter at least "
                    + (idle + 59) / 60 + " hours.");
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput(errors);
        }
        List<String> changes = new ArrayList<>();
        for (Map.Entry<SettingField, Integer> value : values.entrySet()) {
            int before = value.getKey().get(account);
            if (before != value.getValue()) {
                changes.add(value.getKey().property() + " " + before + " -> " + value.getValue());
                value.getKey().set(account, value.getValue());
            }
        }
        if (account.isRequireTwoFactor() != requireTwoFactor) {
            changes.add(REQUIRE_TWO_FACTOR + " " + account.isRequireTwoFactor() + " -> " + requireTwoFactor);
            account.setRequireTwoFactor(requireTwoFactor);
        }
        if (!changes.isEmpty()) {
            audit.record("settings.change", "ok", actor.getName(), actor.accountId(), null, String.join("; ", changes));
        }
        return changes;
    }
}
