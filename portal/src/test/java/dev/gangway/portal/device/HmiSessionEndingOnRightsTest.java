package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.hmiproxy.HmiSessionRegistry;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

/** SECURITY 3: a right that goes away ends the live HMI sessions opened under it, after commit. */
@SpringBootTest
@AutoConfigureMockMvc
class HmiSessionEndingOnRightsTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    HmiSessionRegistry sessions;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    HmiSessionEnding ending;

    RightsTestData data;
    PortalUser admin;
    String line;
    String press;
    String janes;
    String bobs;
    PortalUser jane;
    PortalUser bob;

    @BeforeEach
    void usersWithOpenRights() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        line = data.pool(admin.accountId(), "Line");
        press = DeviceTestData.newDevice(registry, admin.accountId(), "Press");
        data.poolDevice(line, press);
        jane = data.newMember(admin, "jane");
        bob = data.newMember(admin, "bob");
        janes = data.group(admin.accountId(), "Jane's");
        bobs = data.group(admin.accountId(), "Bob's");
        data.member(janes, jane);
        data.member(bobs, bob);
        data.grant(janes, line, Right.OPEN_WEB_HMI);
        data.grant(bobs, line, Right.OPEN_WEB_HMI);
    }

    @Test
    void removingARightEndsOnlyTheSessionsThatLostIt() throws Exception {
        String janeSession = open(jane);
        String bobSession = open(bob);
        String adminSession = open(admin);
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        String strangerSession = sessionId(sessions.open(stranger.accountId(), "jane", press, "hmi",
                new LanTarget("198.19.0.2", 80), false));

        mvc.perform(post("/admin/rights").with(TestData.signedIn(admin)).with(csrf()).param("complete", "1")
                        .param("grant", bobs + ":" + line + ":OPEN_WEB_HMI", janes + ":" + line + ":VIEW_STATUS"))
                .andExpect(status().isFound());

        assertThat(live(janeSession)).as("jane lost the right").isFalse();
        assertThat(live(bobSession)).isTrue();
        assertThat(live(adminSession)).isTrue();
        assertThat(live(strangerSession)).as("another account is not touched").isTrue();
        sessions.end(strangerSession);
    }

    @Test
    void leavingTheGroupOrTheDeviceLeavingThePoolEndsTheSession() throws Exception {
        String bobSession = open(bob);
        String janeSession = open(jane);
        mvc.perform(post("/admin/groups/" + bobs + "/members/" + bob.userId() + "/remove")
                .with(TestData.signedIn(admin)).with(csrf())).andExpect(status().isFound());
        assertThat(live(bobSession)).isFalse();
        assertThat(live(janeSession)).isTrue();

        String adminSession = open(admin);
        mvc.perform(post("/admin/pools/" + line + "/devices/" + press + "/remove").with(TestData.signedIn(admin))
                .with(csrf())).andExpect(status().isFound());
        assertThat(live(janeSession)).isFalse();
        assertThat(live(adminSession)).as("admins hold every right").isTrue();
        sessions.end(adminSession);
    }

    @Test
    void aUsersAccessEndingEndsTheirSessionsAfterCommitOnly() {
        String janeSession = open(jane);
        String bobSession = open(bob);
        transactions.executeWithoutResult(tx -> {
            events.publishEvent(new UserAccessEnded(admin.accountId(), jane.userId(), "jane", "disabled"));
            events.publishEvent(new AccessChanged(admin.accountId(), "test"));
            jdbc.update("delete from group_member where user_id = ?", bob.userId());
            tx.setRollbackOnly();
        });
        assertThat(live(janeSession)).as("rolled back: nothing ends").isTrue();
        assertThat(live(bobSession)).isTrue();

        transactions.executeWithoutResult(tx -> events.publishEvent(new UserAccessEnded(admin.accountId(),
                jane.userId(), "jane", "disabled")));
        assertThat(live(janeSession)).isFalse();
        assertThat(live(bobSession)).isTrue();

        jdbc.update("update app_user set enabled = false where id = ?", bob.userId());
        transactions.executeWithoutResult(tx -> events.publishEvent(new AccessChanged(admin.accountId(), "test")));
        assertThat(live(bobSession)).as("a disabled user holds nothing").isFalse();
    }

    @Test
    void theSweepEndsTheSessionsOfUsersWhoseAccessEndedWithoutAnyRequestOfTheirs() {
        String janeSession = open(jane);
        String bobSession = open(bob);
        String adminSession = open(admin);
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        String strangerSession = sessionId(sessions.open(stranger.accountId(), "jane", press, "hmi",
                new LanTarget("198.19.0.2", 80), false));
        assertThat(ending.endForUsersWithoutAccess()).as("nobody's access ended yet").isZero();

        jdbc.update("update app_user set expires_at = ? where id = ?",
                java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1)), jane.userId());
        jdbc.update("update app_user set enabled = false where id = ?", bob.userId());
        assertThat(ending.endForUsersWithoutAccess()).isEqualTo(2);

        assertThat(live(janeSession)).as("expired while the session was open").isFalse();
        assertThat(live(bobSession)).as("disabled").isFalse();
        assertThat(live(adminSession)).isTrue();
        assertThat(live(strangerSession)).as("a user of the same name in another account is not touched").isTrue();
        sessions.end(adminSession);
        sessions.end(strangerSession);
    }

    private String open(PortalUser user) {
        return sessionId(sessions.open(user.accountId(), user.username(), press, "hmi",
                new LanTarget("198.19.0.2", 80), false));
    }

    private static String sessionId(URI uri) {
        return uri.getHost().substring(0, uri.getHost().indexOf('.'));
    }

    private boolean live(String id) {
        return sessions.find(id).map(s -> !s.isEnded()).orElse(false);
    }
}
