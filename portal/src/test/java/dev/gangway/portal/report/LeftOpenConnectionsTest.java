package dev.gangway.portal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * After a crash the records of the connections that were open are closed at the next start ("portal restarted"),
 * with the bytes of their last progress update; closed records stay as they were.
 */
@SpringBootTest
@AutoConfigureMockMvc
class LeftOpenConnectionsTest extends PortalTestSupport {

    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConnectionRecordRepository records;
    @Autowired
    LeftOpenConnections startup;

    @Test
    void theStartClosesTheRecordsTheLastRunLeftOpen() {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        ReportTestData data = new ReportTestData(jdbc);
        Instant started = Instant.parse("2026-03-01T10:00:00Z");
        String crashed = data.record(admin, "alice", null, "Press", null, started, null, 1_000, 2_000_000);
        String done = data.record(admin, "bob", null, "Press", null, started, started.plusSeconds(60), 5, 6);
        Instant before = Instant.now();

        // what the portal runs once every bean exists, before it listens
        assertThat(startup).isInstanceOf(SmartInitializingSingleton.class);
        startup.afterSingletonsInstantiated();

        ConnectionRecord closed = records.findById(crashed).orElseThrow();
        assertThat(closed.getEndedAt()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(closed.getEndReason()).isEqualTo("portal restarted");
        assertThat(closed.getBytesIn()).isEqualTo(1_000);
        assertThat(closed.getBytesOut()).isEqualTo(2_000_000);
        ConnectionRecord untouched = records.findById(done).orElseThrow();
        assertThat(untouched.getEndedAt()).isEqualTo(started.plusSeconds(60));
        assertThat(untouched.getEndReason()).isEqualTo("ended for the user");
    }
}
