package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The hourly cleanup deletes remembered browsers past their end, and only those. */
@SpringBootTest
class TrustedBrowserCleanupTest extends PortalTestSupport {

    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    TrustedBrowserRepository browsers;
    @Autowired
    TrustedBrowserCleanup cleanup;

    @Test
    void browsersPastTheirEndAreDeletedOthersStay() {
        PortalUser user = TestData.newUser(accounts, users, encoder, "pw");
        Instant now = Instant.now();
        String ended = remember(user, now.minus(Duration.ofDays(31)), now.minusSeconds(5));
        String valid = remember(user, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));

        assertThat(cleanup.deleteExpired()).isGreaterThanOrEqualTo(1);

        assertThat(browsers.findByTokenHash(ended)).isEmpty();
        assertThat(browsers.findByTokenHash(valid)).isPresent();
        assertThat(cleanup.deleteExpired()).isZero();
    }

    /** A remembered browser of the user; returns its token hash. */
    private String remember(PortalUser user, Instant created, Instant expires) {
        String hash = UUID.randomUUID().toString().replace("-", "");
        browsers.save(new TrustedBrowser(user.userId(), hash, "Firefox", created, expires));
        return hash;
    }
}
