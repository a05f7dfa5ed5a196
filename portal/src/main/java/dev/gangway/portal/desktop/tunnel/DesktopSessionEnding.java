package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.web.DesktopMode;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.Right;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Ends desktop sessions when what allowed them goes away, as {@code HmiSessionEnding} does for HMI sessions: the
 * user signs out or their portal session ends; their access ends ({@link UserAccessEnded}: disabled, expired,
 * password or second factor reset); rights shrink ({@link AccessChanged}: a right removed, a member removed, a device
 * taken out of a pool, a group or pool deleted); the device's certificate is revoked. Events act after commit (a
 * change rolled back ends nothing, and the check reads the committed rights).
 *
 * <p>Rights: a view-only session needs "Remote desktop: view only" or "Remote desktop: control" on the device; a
 * control session needs "Remote desktop: control". A control session whose user keeps only the view right ends
 * (it is not switched to view-only: the browser was given control, and the user opens the desktop again to watch).
 *
 * <p>Every {@value #SWEEP_MILLIS} ms, while sessions are live, the sweep checks them all again (one read of the
 * rights per account with live sessions): what changes without an event, an access date passing, is caught there.
 *
 * <p>Threads: listeners on the committing thread, the sweep on the scheduler; ending a session does not block
 * (its own thread finishes it).
 */
@Component
class DesktopSessionEnding implements LogoutHandler {

    private static final Logger log = LoggerFactory.getLogger(DesktopSessionEnding.class);

    static final long SWEEP_MILLIS = 10_000;

    private final LiveDesktops live;
    private final AccessService access;
    private final AppUserRepository users;
    private final Clock clock;

    DesktopSessionEnding(LiveDesktops live, AccessService access, AppUserRepository users, Clock clock) {
        this.live = live;
        this.access = access;
        this.users = users;
        this.clock = clock;
    }

    /** Sign-out ({@code POST /logout}): the user's desktop sessions, in every browser. */
    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        endFor(authentication, new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, Sentences.SIGNED_OUT));
    }

    /** The portal session was invalidated or expired. */
    @EventListener
    void sessionDestroyed(SessionDestroyedEvent event) {
        for (SecurityContext context : event.getSecurityContexts()) {
            endFor(context.getAuthentication(),
                    new DesktopEnd(GuacamoleStatus.SESSION_TIMEOUT, Sentences.PORTAL_SESSION_ENDED));
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void certificatesRevoked(CertificatesRevoked event) {
        if (live.isEmpty()) {
            return;
        }
        DesktopEnd end = new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE, Sentences.REVOKED);
        int ended = live.endWhere(s -> event.deviceIds().contains(s.deviceId()) ? end : null);
        if (ended > 0) {
            log.info("Ended {} desktop session(s): device certificate revoked", ended);
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void accessChanged(AccessChanged event) {
        if (live.isEmpty()) {
            return;
        }
        Holders holders = new Holders();
        int ended = live.endWhere(s -> s.accountId().equals(event.accountId()) ? holders.check(s) : null);
        if (ended > 0) {
            log.info("Ended {} desktop session(s) in account {}: {}", ended, event.accountId(), event.why());
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void userAccessEnded(UserAccessEnded event) {
        DesktopEnd end = new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED, Sentences.accessEnded(event.reason()));
        int ended = live.endWhere(s -> s.accountId().equals(event.accountId())
                && s.username().equals(event.username()) ? end : null);
        if (ended > 0) {
            log.info("Ended {} desktop session(s) of {} in account {}: {}", ended, event.username(),
                    event.accountId(), event.reason());
        }
    }

    /**
     * Checks every live session again: its user enabled and within their access dates, and holding the right its
     * mode needs. Returns how many ended.
     */
    @Scheduled(fixedDelay = SWEEP_MILLIS, initialDelay = SWEEP_MILLIS)
    int sweep() {
        if (live.isEmpty()) {
            return 0;
        }
        Set<String> accounts = live.sessions().stream().map(LiveDesktops.Live::accountId)
                .collect(Collectors.toSet());
        Set<String> without = new HashSet<>();
        for (AppUser user : users.findWithoutAccessIn(accounts, clock.instant())) {
            without.add(user.getAccountId() + "\n" + user.getUsername());
        }
        Holders holders = new Holders();
        DesktopEnd accessEnded = new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                Sentences.accessEnded("the user's access ended"));
        int ended = live.endWhere(s -> without.contains(s.accountId() + "\n" + s.username()) ? accessEnded
                : holders.check(s));
        if (ended > 0) {
            log.info("Ended {} desktop session(s) no longer allowed", ended);
        }
        return ended;
    }

    private void endFor(Authentication authentication, DesktopEnd end) {
        if (authentication == null || !(authentication.getPrincipal() instanceof PortalUser user)) {
            return;
        }
        int ended = live.endWhere(s -> s.accountId().equals(user.accountId())
                && s.username().equals(user.username()) ? end : null);
        if (ended > 0) {
            log.info("Ended {} desktop session(s) of {}: {}", ended, user.getName(), end.message());
        }
    }

    /** Who holds the desktop rights where, read once per account when a session needs it. */
    private final class Holders {

        private final Map<String, Map<String, Set<String>>> control = new HashMap<>();
        private final Map<String, Map<String, Set<String>>> view = new HashMap<>();

        /** The end of a session whose right went away, or null. */
        DesktopEnd check(LiveDesktops.Live session) {
            boolean mayControl = holds(control, Right.DESKTOP_CONTROL, session);
            if (session.mode() == DesktopMode.CONTROL && mayControl) {
                return null;
            }
            boolean mayView = mayControl || holds(view, Right.DESKTOP_VIEW, session);
            if (!mayView) {
                return new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN, Sentences.RIGHT_REMOVED);
            }
            return session.mode() == DesktopMode.CONTROL
                    ? new DesktopEnd(GuacamoleStatus.CLIENT_FORBIDDEN, Sentences.CONTROL_REMOVED) : null;
        }

        private boolean holds(Map<String, Map<String, Set<String>>> cache, Right right, LiveDesktops.Live session) {
            return cache.computeIfAbsent(session.accountId(), account -> access.holders(account, right))
                    .getOrDefault(session.username(), Set.of()).contains(session.deviceId());
        }
    }
}
