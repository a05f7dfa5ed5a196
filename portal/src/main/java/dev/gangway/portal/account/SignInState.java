package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.Mailer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Failed sign-ins and what they lead to: the per-user lockout (in the database: {@code failed_attempts},
 * {@code locked_until}), the throttles per client address and per account (in memory), the audit trail and the
 * lockout mail to the user and the account's administrators.
 *
 * <p>Every method runs in a transaction of its own that commits even though the sign-in then fails: a failure that
 * is not counted would make the lockout useless.
 */
@Component
public class SignInState {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AppUserRepository users;
    private final AuditLog audit;
    private final Mailer mailer;
    private final Clock clock;
    private final FailureThrottle addresses;
    private final FailureThrottle accounts;

    SignInState(AppUserRepository users, AuditLog audit, Mailer mailer, Clock clock, SignInSettings settings) {
        this.users = users;
        this.audit = audit;
        this.mailer = mailer;
        this.clock = clock;
        this.addresses = new FailureThrottle(settings.addressFailures(), settings.failureWindow(),
                settings.throttleDuration(), settings.trackedSources(), clock);
        this.accounts = new FailureThrottle(settings.accountFailures(), settings.failureWindow(),
                settings.throttleDuration(), settings.trackedSources(), clock);
    }

    /**
     * The refusal ({@link SignInThrottled}) for an address or account that failed too often lately, if it is
     * throttled now.
     */
    Optional<SignInRefused> throttled(String address, Account account) {
        Optional<Instant> byAddress = addresses.blockedUntil(address);
        if (byAddress.isPresent()) {
            return Optional.of(new SignInThrottled("Too many failed sign-ins from your address: try again after "
                    + TIME.format(byAddress.get()) + "."));
        }
        Optional<Instant> byAccount = account == null ? Optional.empty() : accounts.blockedUntil(account.getId());
        return byAccount.<SignInRefused>map(until -> new SignInThrottled("Too many failed sign-ins into this "
                + "account: try again after " + TIME.format(until) + " or ask an administrator."));
    }

    /**
     * Counts a failed sign-in: towards the address and account throttles always, towards the user's lockout when
     * {@code countsTowardsLockout} (a wrong password, second-factor code, refused passkey or wrong confirmation on My
     * account of a known user who is not locked yet). Whether it locked is the conditional update's result, never
     * a prior read, so concurrent failures cannot slip past the threshold.
     * Audited with the account's id when the account is known, so the account's audit log shows it.
     *
     * @param actor what was typed, {@code account/user} (never a password)
     * @param reason for the audit trail
     * @return whether this failure locked the user
     */
    @Transactional
    boolean failed(Account account, AppUser user, String actor, String address, String reason,
            boolean countsTowardsLockout) {
        String accountId = account == null ? null : account.getId();
        audit.record("signin", "refused", actor, accountId, null, reason);
        if (addresses.fail(address)) {
            audit.record("signin.throttle", "refused", actor, accountId, null, "too many failed sign-ins from "
                    + address + ": refused until " + DATE_TIME.format(addresses.blockedUntil(address).orElseThrow()));
        }
        if (account != null && accounts.fail(accountId)) {
            audit.record("signin.throttle", "refused", actor, accountId, null, "too many failed sign-ins into the "
                    + "account: refused until " + DATE_TIME.format(accounts.blockedUntil(accountId).orElseThrow()));
        }
        if (user == null || !countsTowardsLockout || account.getLockoutThreshold() <= 0) {
            return false;
        }
        users.countFailure(user.getId());
        Instant now = clock.instant();
        Instant until = now.plus(Duration.ofMinutes(Math.max(1, account.getLockoutMinutes())));
        if (users.lockIfReached(user.getId(), account.getLockoutThreshold(), until) == 0) {
            return false;
        }
        audit.record("signin.lockout", "locked", actor, accountId, null, "locked after "
                + account.getLockoutThreshold() + " failed sign-ins, last from " + address + ", until "
                + DATE_TIME.format(until));
        mailAfterCommit(account, user, address, now, until);
        return true;
    }

    /** A completed sign-in (every step done, not just the password): the count of failures starts again. */
    @Transactional
    void succeeded(AppUser user) {
        if (user.getFailedAttempts() != 0 || user.getLockedUntil() != null) {
            AppUser managed = users.findById(user.getId()).orElseThrow();
            managed.setFailedAttempts(0);
            managed.setLockedUntil(null);
            users.save(managed);
        }
    }

    /**
     * Ends a user's lockout now and forgets their failed sign-ins (for the users page: "unlock"). The caller checks
     * the admin's right and audits the action; this only changes the user.
     */
    @Transactional
    public void unlock(AppUser user) {
        AppUser managed = users.findById(user.getId()).orElseThrow();
        managed.setLockedUntil(null);
        managed.setFailedAttempts(0);
        users.save(managed);
        user.setLockedUntil(null);
        user.setFailedAttempts(0);
    }

    /** The message for a locked user, whatever they typed (the password is not compared while locked). */
    static String lockedMessage(Instant until) {
        return "This user is locked after too many failed sign-ins: try again after " + TIME.format(until)
                + " or ask an administrator of the account.";
    }

    /** The mail leaves after commit (a rolled-back lockout mails nothing) and never holds a secret. */
    private void mailAfterCommit(Account account, AppUser user, String address, Instant now, Instant until) {
        List<String> to = new ArrayList<>();
        to.add(user.getEmail());
        users.findByAccountIdAndAccountAdminTrue(account.getId()).forEach(admin -> to.add(admin.getEmail()));
        String subject = "Gangway: user " + user.getUsername() + " of account " + account.getName()
                + " is locked after failed sign-ins";
        String body = "The user " + user.getUsername() + " of the Gangway account " + account.getName()
                + " was locked at " + DATE_TIME.format(now) + " after " + account.getLockoutThreshold()
                + " failed sign-ins in a row.\n\n"
                + "The last attempt came from the address " + (address == null ? "(unknown)" : address) + ".\n"
                + "The user can sign in again after " + DATE_TIME.format(until) + "; an administrator of the account "
                + "can unlock the user earlier on the Users page.\n\n"
                + "If these attempts were not made by the user, someone may be guessing the password: an "
                + "administrator can disable the user or require two-factor sign-in.\n";
        Runnable send = () -> mailer.send(to, subject, body);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send.run();
                }
            });
        } else {
            send.run();
        }
    }
}
