package dev.gangway.portal.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The hourly cleanup deletes password links that expired or were used more than 30 days ago, and only those. */
@SpringBootTest
class PasswordTokenCleanupTest extends PortalTestSupport {

    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PasswordTokenRepository tokens;
    @Autowired
    PasswordTokenCleanup cleanup;

    @Test
    void linksEndedMoreThanThirtyDaysAgoAreDeletedOthersStay() {
        PortalUser user = TestData.newUser(accounts, users, encoder, "pw");
        Instant now = Instant.now();
        Duration day = Duration.ofDays(1);
        String expiredLongAgo = token(user, now.minus(day.multipliedBy(34)), now.minus(day.multipliedBy(31)), null);
        String usedLongAgo = token(user, now.minus(day.multipliedBy(32)), now.plus(day), now.minus(day.multipliedBy(31)));
        String expiredRecently = token(user, now.minus(day.multipliedBy(32)), now.minus(day.multipliedBy(29)), null);
        String usedRecently = token(user, now.minus(day.multipliedBy(30)), now.minus(day.multipliedBy(27)),
                now.minus(day.multipliedBy(29)));
        String working = token(user, now.minusSeconds(60), now.plus(day), null);

        assertThat(cleanup.deleteOld()).isGreaterThanOrEqualTo(2);

        assertThat(tokens.findById(expiredLongAgo)).isEmpty();
        assertThat(tokens.findById(usedLongAgo)).isEmpty();
        assertThat(tokens.findById(expiredRecently)).isPresent();
        assertThat(tokens.findById(usedRecently)).isPresent();
        assertThat(tokens.findById(working)).isPresent();
        assertThat(cleanup.deleteOld()).isZero();
    }

    private String token(PortalUser user, Instant created, Instant expires, Instant used) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into password_token (id, user_id, token_hash, purpose, created_at, expires_at, used_at)"
                + " values (?, ?, ?, 'invite', ?, ?, ?)", id, user.userId(), UUID.randomUUID().toString(),
                Timestamp.from(created), Timestamp.from(expires), used == null ? null : Timestamp.from(used));
        return id;
    }
}
