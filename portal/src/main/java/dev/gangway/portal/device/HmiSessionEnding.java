package dev.gangway.portal.device;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.portal.pki.CertificatesRevoked;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.session.SessionDestroyedEvent;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Ends HMI sessions when the right they were opened under goes away: the user signs out or their portal session
 * ends (idle or absolute timeout), or the device's certificate is revoked. An HMI session lives on its own origin
 * with its own cookie, so without this it would outlive the sign-out that should have ended it.
 *
 * <p>A user's HMI sessions are keyed by account id and user name, so signing out in one browser ends the user's
 * HMI sessions opened from any other browser too.
 */
@Component
class HmiSessionEnding implements LogoutHandler {

    private static final Logger log = LoggerFactory.getLogger(HmiSessionEnding.class);

    private final ObjectProvider<HmiSessions> hmiSessions;

    HmiSessionEnding(ObjectProvider<HmiSessions> hmiSessions) {
        this.hmiSessions = hmiSessions;
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
