package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PasswordHistory;
import dev.gangway.portal.account.PasswordHistoryRepository;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.account.PhoneNumberChange;
import dev.gangway.portal.account.PhoneNumbers;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.TwoFactor;
import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.users.PasswordLinks.NewLink;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What administrators and holders of {@link Right#MANAGE_USERS} do to the users of their account. Each action checks
 * who acts, validates everything, then writes and audits in one transaction; an action that ends a user's access
 * publishes {@link UserAccessEnded} so live HMI sessions end.
 *
 * <p>Rules, beyond the rights semantics:
 * <ul>
 *   <li>Managers who are not administrators act on non-admin users only, and never make administrators (403).</li>
 *   <li>Nobody acts on their own user here: one's own password and second factor are changed on "My account" (which
 *       asks for the current password), and a restriction an administrator put on someone is never lifted by
 *       that someone.</li>
 *   <li>The account always keeps an enabled administrator without an expiry date: the last one is never disabled,
 *       demoted or given an expiry. These checks run with the account row locked, so two administrators demoting
 *       each other at once cannot both win.</li>
 * </ul>
 */
@Service
class UserAdministration {

    private final AppUserRepository users;
    private final AccountRepository accounts;
    private final PasswordHistoryRepository history;
    private final PasswordLinks links;
    private final TwoFactor twoFactor;
    private final UserGroups groups;
    private final Access access;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;
    private final PhoneNumberChange phoneNumbers;
    private final Clock clock;

    UserAdministration(AppUserRepository users, AccountRepository accounts, PasswordHistoryRepository history,
            PasswordLinks links, TwoFactor twoFactor, UserGroups groups, Access access, AuditLog audit,
            ApplicationEventPublisher events, EntityManager entityManager, PhoneNumberChange phoneNumbers,
            Clock clock) {
        this.phoneNumbers = phoneNumbers;
        this.users = users;
        this.accounts = accounts;
        this.history = history;
        this.links = links;
        this.twoFactor = twoFactor;
        this.groups = groups;
        this.access = access;
        this.audit = audit;
        this.events = events;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** Who acts, and whether as an administrator. */
    record Manager(PortalUser user, boolean admin) {

        /** Administrators are managed by administrators only. */
        void requireMayManage(AppUser target) {
            if (target.isAccountAdmin() && !admin) {
                throw new AccessDeniedException("only account administrators manage administrators");
            }
        }

        boolean mayManage(AppUser target) {
            return admin || !target.isAccountAdmin();
        }
    }

    /** The form of a new user, as typed. */
    record NewUser(String username, String email, String phoneNumber, String expiresAt, boolean accountAdmin,
            boolean requireTwoFactor) {
    }

    /** A user just created, with the invitation link (shown once, mailed). */
    record Created(String userId, String username, String email, NewLink link) {
    }

    /** A new password link for a user (shown once, mailed). */
    record Reset(String username, String email, NewLink link) {
    }

    /** Admits administrators and holders of MANAGE_USERS on some pool; 403 for everyone else. */
    Manager manager(PortalUser user) {
        access.requireAnywhere(user, Right.MANAGE_USERS);
        return new Manager(user, access.isAdmin(user));
    }

    @Transactional(readOnly = true)
    List<UserRow> list(PortalUser actor) {
        manager(actor);
        Account account = account(actor);
        Map<String, List<String>> memberships = groups.byUser(account.getId());
        Instant now = clock.instant();
        return users.findByAccountIdOrderByUsername(account.getId()).stream()
                .map(u -> UserRow.of(u, account, memberships.getOrDefault(u.getId(), List.of()), now))
                .toList();
    }

    /** A user of the actor's account; {@link UnknownUser} (404) for another account's or unknown id. */
    @Transactional(readOnly = true)
    UserRow show(PortalUser actor, String userId) {
        manager(actor);
        AppUser target = target(actor, userId);
        return UserRow.of(target, account(actor), groups.of(actor.accountId(), target.getId()), clock.instant());
    }

    @Transactional
    Created create(PortalUser actor, NewUser input) {
        Manager manager = manager(actor);
        if (input.accountAdmin() && !manager.admin()) {
            throw new AccessDeniedException("only account administrators make administrators");
        }
        Instant now = clock.instant();
        Map<String, String> errors = new LinkedHashMap<>();
        String username = UserInput.clean(input.username());
        String usernameError = UserInput.usernameError(username);
        if (usernameError == null && taken(actor.accountId(), username)) {
            usernameError = takenMessage(username);
        }
        if (usernameError != null) {
            errors.put("username", usernameError);
        }
        String email = UserInput.clean(input.email());
        String emailError = UserInput.emailError(email);
        if (emailError != null) {
            errors.put("email", emailError);
        }
        String phoneNumber = null;
        try {
            phoneNumber = PhoneNumbers.normalise(input.phoneNumber()).orElse(null);
        } catch (IllegalArgumentException e) {
            errors.put("phoneNumber", e.getMessage());
        }
        Instant expiresAt = null;
        try {
            expiresAt = UserInput.expiry(UserInput.clean(input.expiresAt()));
            if (expiresAt != null && !expiresAt.isAfter(now)) {
                errors.put("expiresAt", "The expiry date must be in the future (access ends at 00:00 UTC that day).");
            }
        } catch (IllegalArgumentException e) {
            errors.put("expiresAt", e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput(errors);
        }
        AppUser user = new AppUser(actor.accountId(), username, Passwords.NO_PASSWORD, now);
        user.setEmail(email);
        user.setPhoneNumber(phoneNumber);
        user.setExpiresAt(expiresAt);
        user.setAccountAdmin(input.accountAdmin());
        user.setRequireTwoFactor(input.requireTwoFactor());
        try {
            users.saveAndFlush(user);
        } catch (DataIntegrityViolationException e) {
            // the same name (ignoring case) created concurrently, after the check above: the database refused it
            if (!isUsernameConstraint(e)) {
                throw e;
            }
            throw new InvalidInput(Map.of("username", takenMessage(username)));
        }
        NewLink link = links.issue(user, PasswordToken.INVITE);
        audit.record("user.create", "ok", actor.getName(), actor.accountId(), null, "user " + username + ", e-mail "
                + email + (phoneNumber == null ? "" : ", phone number " + phoneNumber) + ", admin "
                + input.accountAdmin() + ", two-factor required " + input.requireTwoFactor()
                + ", access ends " + (expiresAt == null ? "never" : UserInput.expiryDate(expiresAt)));
        audit.record("user.invite", "ok", actor.getName(), actor.accountId(), null, "user " + username
                + ", link valid until " + link.expiresAt());
        return new Created(user.getId(), username, email, link);
    }

    @Transactional
    void disable(PortalUser actor, String userId) {
        lockAccount(actor);
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "You cannot disable yourself: another administrator can.");
        keepPermanentAdmin(target, "disabled");
        target.setEnabled(false);
        twoFactor.forgetRememberedBrowsers(target);
        links.endAll(target);
        audit.record("user.disable", "ok", actor.getName(), actor.accountId(), null, "user " + target.getUsername());
        ended(target, "disabled by " + actor.getName());
    }

    @Transactional
    void enable(PortalUser actor, String userId) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "You cannot change your own user here.");
        target.setEnabled(true);
        audit.record("user.enable", "ok", actor.getName(), actor.accountId(), null, "user " + target.getUsername());
    }

    /**
     * Sets or clears the day access ends; a day already begun ends access at once. Unlike a new user's, the date may
     * lie in the past: that is how temporary access is ended early.
     */
    @Transactional
    void expiry(PortalUser actor, String userId, String typed) {
        lockAccount(actor);
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "You cannot set your own expiry date: another administrator "
                + "can.");
        Instant expiresAt;
        try {
            expiresAt = UserInput.expiry(UserInput.clean(typed));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(Map.of("expiresAt", e.getMessage()));
        }
        if (expiresAt != null) {
            keepPermanentAdmin(target, "given an expiry date");
        }
        target.setExpiresAt(expiresAt);
        audit.record("user.expiry", "ok", actor.getName(), actor.accountId(), null, "user " + target.getUsername()
                + ", access ends " + (expiresAt == null ? "never" : UserInput.expiryDate(expiresAt)));
        if (target.isExpiredAt(clock.instant())) {
            ended(target, "access expired (set by " + actor.getName() + ")");
        }
    }

    /**
     * Replaces the user's password by a one-time link (24 hours). The current password stops working at once and
     * joins the password history: an administrator resets a password that is forgotten (nothing is lost) or may be
     * known to someone else (it must end now). The user's live HMI sessions end too.
     */
    @Transactional
    Reset resetPassword(PortalUser actor, String userId) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "Change your own password on My account.");
        requireCovers(actor, target, "reset the password of");
        if (!target.isEnabled()) {
            throw new ActionRefused(target.getUsername() + " is disabled: enable the user first, then reset the "
                    + "password.");
        }
        if (!Passwords.NO_PASSWORD.equals(target.getPasswordHash())) {
            history.save(new PasswordHistory(target.getId(), target.getPasswordHash(), clock.instant()));
            target.setPasswordHash(Passwords.NO_PASSWORD);
        }
        twoFactor.forgetRememberedBrowsers(target);
        NewLink link = links.issue(target, PasswordToken.RESET);
        audit.record("user.password-reset", "ok", actor.getName(), actor.accountId(), null, "user "
                + target.getUsername() + ", link valid until " + link.expiresAt());
        ended(target, "password reset by " + actor.getName());
        return new Reset(target.getUsername(), target.getEmail(), link);
    }

    @Transactional
    void requireTwoFactor(PortalUser actor, String userId, boolean required) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "You cannot change your own user here.");
        target.setRequireTwoFactor(required);
        audit.record("user.two-factor.require", "ok", actor.getName(), actor.accountId(), null, "user "
                + target.getUsername() + ", required " + required);
    }

    /** Removes the user's authenticator app, recovery codes and remembered browsers; they enrol again. */
    @Transactional
    void resetTwoFactor(PortalUser actor, String userId) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "Change your own second factor on My account.");
        requireCovers(actor, target, "reset the second factor of");
        twoFactor.reset(target);
        audit.record("user.two-factor.reset", "ok", actor.getName(), actor.accountId(), null, "user "
                + target.getUsername());
        ended(target, "two-factor reset by " + actor.getName());
    }

    /** Sets or clears (empty) the user's phone number for alarm SMS; audited as {@code user.phone}. */
    @Transactional
    void phoneNumber(PortalUser actor, String userId, String typed) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "Change your own phone number on My account.");
        String phoneNumber;
        try {
            phoneNumber = PhoneNumbers.normalise(typed).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(Map.of("phoneNumber", e.getMessage()));
        }
        phoneNumbers.set(target, phoneNumber, actor.getName());
    }

    /** Lifts a lockout after failed sign-ins. */
    @Transactional
    void unlock(PortalUser actor, String userId) {
        Manager manager = manager(actor);
        AppUser target = manageable(manager, userId, "You cannot change your own user here.");
        target.setLockedUntil(null);
        target.setFailedAttempts(0);
        audit.record("user.unlock", "ok", actor.getName(), actor.accountId(), null, "user " + target.getUsername());
    }

    /** Makes or unmakes an account administrator; administrators only. */
    @Transactional
    void setAdmin(PortalUser actor, String userId, boolean admin) {
        lockAccount(actor);
        Manager manager = manager(actor);
        if (!manager.admin()) {
            throw new AccessDeniedException("only account administrators make or unmake administrators");
        }
        AppUser target = manageable(manager, userId, admin ? "You are an administrator already."
                : "You cannot remove your own administrator rights: another administrator can.");
        if (!admin) {
            keepPermanentAdmin(target, "made a plain user");
        }
        target.setAccountAdmin(admin);
        audit.record("user.admin", "ok", actor.getName(), actor.accountId(), null, "user " + target.getUsername()
                + ", admin " + admin);
        if (!admin) {
            // a former admin keeps only what their groups grant: live sessions beyond that end after commit
            events.publishEvent(new AccessChanged(actor.accountId(), "admin rights of " + target.getUsername()
                    + " removed"));
        }
    }

    /**
     * Password and two-factor resets let whoever holds the new link become the target: a manager who is not an
     * administrator may do them only to users who hold no (pool, right) the manager lacks.
     */
    private void requireCovers(PortalUser actor, AppUser target, String what) {
        if (!access.coversGrantsOf(actor, target.getId())) {
            throw new AccessDeniedException("You cannot " + what + " " + target.getUsername()
                    + ": the user holds rights you do not hold. Ask an administrator of the account.");
        }
    }

    /** The target, if the manager may act on it and it is not the manager's own user. */
    private AppUser manageable(Manager manager, String userId, String selfMessage) {
        AppUser target = target(manager.user(), userId);
        manager.requireMayManage(target);
        if (target.getId().equals(manager.user().userId())) {
            throw new ActionRefused(selfMessage);
        }
        return target;
    }

    private AppUser target(PortalUser actor, String userId) {
        return users.findByIdAndAccountId(userId, actor.accountId())
                .orElseThrow(UnknownUser::new);
    }

    private Account account(PortalUser actor) {
        return accounts.findById(actor.accountId()).orElseThrow(UnknownUser::new);
    }

    /**
     * User names differ in more than case, so "Alice" and "alice" are never two people. Checked here for the clear
     * message; the constraint on {@code app_user.username_key} makes it hold under concurrent creations too.
     */
    private boolean taken(String accountId, String username) {
        String key = AppUser.usernameKey(username);
        return users.findByAccountIdOrderByUsername(accountId).stream()
                .anyMatch(u -> AppUser.usernameKey(u.getUsername()).equals(key));
    }

    private static String takenMessage(String username) {
        return "The user name " + username + " is already taken in this account: choose another.";
    }

    /** Whether the database refused the user for its name ({@code uq_app_user_account_username[_key]}). */
    private static boolean isUsernameConstraint(DataIntegrityViolationException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("uq_app_user_account_username")) {
                return true;
            }
        }
        return false;
    }

    /** Serialises the actions that could remove the last administrator (row lock on the account). */
    private void lockAccount(PortalUser actor) {
        entityManager.find(Account.class, actor.accountId(), LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Refuses when the target is the account's last enabled administrator without an expiry date (a "permanent"
     * one): disabling, demoting or giving it an expiry would leave the account without an administrator, now or
     * later. Only called with the account row locked.
     */
    private void keepPermanentAdmin(AppUser target, String what) {
        if (!isPermanentAdmin(target)) {
            return;
        }
        boolean another = users.findByAccountIdAndAccountAdminTrue(target.getAccountId()).stream()
                .anyMatch(u -> !u.getId().equals(target.getId()) && isPermanentAdmin(u));
        if (!another) {
            throw new ActionRefused(target.getUsername() + " is the last enabled administrator without an expiry "
                    + "date and cannot be " + what + ": make another user a permanent administrator first.");
        }
    }

    private static boolean isPermanentAdmin(AppUser user) {
        return user.isAccountAdmin() && user.isEnabled() && user.getExpiresAt() == null;
    }

    private void ended(AppUser target, String reason) {
        events.publishEvent(new UserAccessEnded(target.getAccountId(), target.getId(), target.getUsername(), reason));
    }
}
