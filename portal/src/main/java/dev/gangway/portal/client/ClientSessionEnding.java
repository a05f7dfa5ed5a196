package dev.gangway.portal.client;

import dev.gangway.portal.account.UserAccessEnded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Ends a user's client sessions (and so their certificates) when the user's access ends or shrinks
 * ({@link UserAccessEnded}: disabled, expired, password or two-factor reset), after the change commits; and deletes
 * sessions that ended over 30 days ago, every hour.
 *
 * <p>Other changes need no event: a password or second factor the user changes themselves ends the sessions at
 * their next use (the credentials stamp), a right removed refuses the next stream ({@link ClientStreamAuthorizer}),
 * an expiry date that passes is seen at the next use. Streams already open are cut by {@link ForwardEnding} (on
 * these events, when a session ends, and by its sweep).
 */
@Component
class ClientSessionEnding {

    private static final Logger log = LoggerFactory.getLogger(ClientSessionEnding.class);

    private final ClientSessions sessions;

    ClientSessionEnding(ClientSessions sessions) {
        this.sessions = sessions;
    }

    /** After commit: a change rolled back must not end anything. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void userAccessEnded(UserAccessEnded event) {
        sessions.endForUser(event.accountId(), event.userId(), event.username(), event.reason());
    }

    /** Returns how many sessions were deleted. */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 600_000)
    int deleteOld() {
        int deleted = sessions.deleteOld();
        if (deleted > 0) {
            log.info("Deleted {} client sessions that ended over 30 days ago", deleted);
        }
        return deleted;
    }
}
