package dev.gangway.portal.users;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes password links (invitations, resets) that expired or were used more than {@link #KEEP} ago, every hour.
 * A link that no longer works is kept that long only so its row can still be looked at; what happened stays in the
 * audit log ({@code user.invite}, {@code user.password-reset}, {@code password.set}).
 */
@Component
class PasswordTokenCleanup {

    static final Duration KEEP = Duration.ofDays(30);

    private static final Logger log = LoggerFactory.getLogger(PasswordTokenCleanup.class);

    private final PasswordTokenRepository tokens;
    private final Clock clock;

    PasswordTokenCleanup(PasswordTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Returns how many rows were deleted. */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 300_000)
    @Transactional
    public int deleteOld() {
        int deleted = tokens.deleteEndedBefore(clock.instant().minus(KEEP));
        if (deleted > 0) {
            log.info("Deleted {} password links ended more than {} days ago", deleted, KEEP.toDays());
        }
        return deleted;
    }
}
