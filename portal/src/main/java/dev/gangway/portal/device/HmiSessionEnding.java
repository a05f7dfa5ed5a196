package dev.gangway.portal.device;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.hmiproxy.HmiSession;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.Right;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.session.SessionDestroyedEvent;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Ends HMI sessions when the right they were opened under goes away: the user signs out or their portal session
 * ends (idle or absolute timeout), the device's certificate is revoked, the user's access ends or shrinks
 * ({@link UserAccessEnded}: disabled, expired, password or two-factor reset), or rights shrink
 * ({@link AccessChanged}: rights removed, a member removed, a device taken out of a pool, a group or pool deleted).
 * An HMI session lives on its own origin with its own cookie, so without this it would outlive the change that
 * should have ended it.
 *
 * <p>On {@link AccessChanged} every live session of the account is checked against who holds "open web HMIs" on
 * which device now (one read of the database, after commit), and those no longer covered end: whatever the change
 * was, the outcome is the same as if the user had to open the session again.
 *
 * <p>A user whose {@code expires_at} passes while an HMI session is open publishes nothing (nobody acts), and the
 * portal session only notices at its next request: so every {@value #SWEEP_MILLIS} ms the live sessions' users are
 * checked (one read of the database, only when sessions are live), and the sessions of users who are disabled or
 * past their access end now end.
 *
 * <p>A user's HMI sessions are keyed by account id and user name, so signing out in one browser ends the user's
 * HMI sessions opened from any other browser too.
 */
@Component
class HmiSessionEnding implements LogoutHandler {

    private static final Logger log = LoggerFactory.getLogger(HmiSessionEnding.class);

    static final long SWEEP_MILLIS = 10_000;

    private final ObjectProvider<HmiSessions> hmiSessions;
    private final AccessService access;
    private final AppUserRepository users;
    private final Clock clock;

    HmiSessionEnding(ObjectProvider<HmiSessions> hmiSessions, AccessService access, AppUserRepository users,
            Clock clock) {
        this.hmiSessions = hmiSessions;
        this.access = access;
        this.users = users;
        this.clock = clock;
    }

    /**
     * Ends the HMI sessions of users who are disabled or whose access ended (an {@code expires_at} that passed with
     * no request of theirs to notice it). Returns how many ended.
     */
    @Scheduled(fixedDelay = SWEEP_MILLIS, initialDelay = SWEEP_MILLIS)
    int endForUsersWithoutAccess() {
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            return 0;
        }
        Set<String> accounts = sessions.sessions().stream().map(HmiSession::account).collect(Collectors.toSet());
        if (accounts.isEmpty()) {
            return 0;
        }
        Set<String> without = new HashSet<>();
        for (AppUser user : users.findWithoutAccessIn(accounts, clock.instant())) {
            without.add(user.getAccountId() + "\n" + user.getUsername());
        }
        if (without.isEmpty()) {
            return 0;
        }
        int ended = sessions.endWhere(s -> without.contains(s.account() + "\n" + s.user()),
                "the user's access ended");
        if (ended > 0) {
            log.info("Ended {} HMI session(s) of users who are disabled or whose access ended", ended);
        }
        return ended;
    }

    /** Sign-out ({@code POST /logout}). */
    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        endFor(authentication, "signed out");
    }

    /** The portal session was invalidated or expired (needs the servlet session events published to Spring). */
    @EventListener
    void sessionDestroyed(SessionDestroyedEvent event) {
        for (SecurityContext context : event.getSecurityContexts()) {
            endFor(context.getAuthentication(), "portal session ended");
        }
    }

    /** After commit: a revocation rolled back must not end anything. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void certificatesRevoked(CertificatesRevoked event) {
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            return;
        }
        for (String deviceId : event.deviceIds()) {
            int ended = sessions.endForDevice(deviceId);
            if (ended > 0) {
                log.info("Ended {} HMI session(s) on device {}: certificate revoked", ended, deviceId);
            }
        }
    }

    /** After commit: a change rolled back must not end anything, and the check must read the committed rights. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void accessChanged(AccessChanged event) {
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            return;
        }
        Map<String, Set<String>> holders = access.holders(event.accountId(), Right.OPEN_WEB_HMI);
        int ended = sessions.endWhere(s -> s.account().equals(event.accountId())
                && !holders.getOrDefault(s.user(), Set.of()).contains(s.deviceId()), event.why());
        if (ended > 0) {
            log.info("Ended {} HMI session(s) in account {}: {}", ended, event.accountId(), event.why());
        }
    }

    /** After commit: the user was disabled, expired, or had their password or second factor reset. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void userAccessEnded(UserAccessEnded event) {
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            return;
        }
        int ended = sessions.endForUser(event.accountId(), event.username());
        if (ended > 0) {
            log.info("Ended {} HMI session(s) of {} in account {}: {}", ended, event.username(), event.accountId(),
                    event.reason());
        }
    }

    private void endFor(Authentication authentication, String why) {
        if (authentication == null || !(authentication.getPrincipal() instanceof PortalUser user)) {
            return;
        }
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            return;
        }
        int ended = sessions.endForUser(user.accountId(), user.username());
        if (ended > 0) {
            log.info("Ended {} HMI session(s) of {}: {}", ended, user.getName(), why);
        }
    }
}
