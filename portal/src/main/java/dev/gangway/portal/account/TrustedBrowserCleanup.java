package dev.gangway.portal.account;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes remembered browsers past their {@code expires_at} every hour, so the table does not keep every browser
 * ever remembered. They are refused at sign-in anyway; this only removes the rows.
 */
@Component
class TrustedBrowserCleanup {

    private static final Logger log = LoggerFactory.getLogger(TrustedBrowserCleanup.class);

    private final TrustedBrowserRepository browsers;
    private final Clock clock;

    TrustedBrowserCleanup(TrustedBrowserRepository browsers, Clock clock) {
        this.browsers = browsers;
        this.clock = clock;
    }

    /** Returns how many rows were deleted. */
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 300_000)
    @Transactional
    public int deleteExpired() {
        int deleted = browsers.deleteExpired(clock.instant());
        if (deleted > 0) {
            log.info("Deleted {} expired remembered browsers", deleted);
        }
        return deleted;
    }
}
