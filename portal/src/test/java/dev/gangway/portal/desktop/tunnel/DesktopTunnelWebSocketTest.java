package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The desktop tunnel's WebSocket in a running portal, spoken as guacamole-common-js does, with a tiny echoing
 * converter in place of VNC: who may open it (signed in, same origin, the right, the account), what it sends first,
 * pings, the record in the connection report, and the end of a session whose right goes away.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.desktop.vnc-converter=" + EchoConverter.NAME,
        "gangway.desktop.rdp-converter=not-here"})
@Import(DesktopTunnelWebSocketTest.Converters.class)
class DesktopTunnelWebSocketTest extends PortalTestSupport {

    static final String SERVICES = "[{\"name\":\"hmi\",\"kind\":\"http\",\"host\":\"198.19.0.2\",\"port\":80},"
            + "{\"name\":\"panel\",\"kind\":\"vnc\",\"host\":\"198.19.0.3\",\"port\":5900},"
            + "{\"name\":\"ipc\",\"kind\":\"rdp\",\"host\":\"198.19.0.4\",\"port\":3389}]";

    @TestConfiguration(proxyBeanMethods = false)
    static class Converters {
        @Bean
        EchoConverter echoConverter() {
            return new EchoConverter();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EchoConverter converter;
    @Autowired
    DesktopTunnelHandler handler;
    @Autowired
    DesktopSessionEnding ending;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactions;

    PortalUser admin;
    String deviceId;
    TestBrowser browser;

    @BeforeEach
    void anAdminWithADevice() throws Exception {
        admin = TestData.newUser(accounts, users, encoder, "Admin-password-1");
        deviceId = DeviceTestData.newDevice(registry, admin.accountId(), "Press line 3");
        jdbc.update("update device set services_json = ? where id = ?", SERVICES, deviceId);
        browser = new TestBrowser(port).signIn(admin.accountName(), admin.username(), "Admin-password-1");
    }

    @AfterEach
    void noSessionLeft() {
        TestBrowser.closeAll();
        await().atMost(TestBrowser.WAIT).until(() -> handler.liveCount() == 0);
        await().atMost(TestBrowser.WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("gangway-desktop-")));
    }

    private String query(String device, String service) {
        return "device=" + device + "&service=" + service + "&width=1280&height=720&dpi=96";
    }

    @Test
    void theHandshakeNeedsASignedInUser() {
        TestBrowser stranger = new TestBrowser(port);
        assertThatThrownBy(() -> stranger.open(query(deviceId, "panel")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        assertThat(converter.sessions).noneMatch(s -> s.request.serviceName().equals("panel")
                && s.request.sessionId() == null);
    }

    @Test
    void theHandshakeFromAnotherSiteIsRefused() {
        assertThatThrownBy(() -> browser.open(query(deviceId, "panel"), "http://evil.example"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> browser.open(query(deviceId, "panel"), null))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        assertThat(count("select count(*) from connection_record where device_id = ?", deviceId)).isZero();
    }

    @Test
    void theUuidComesFirstThenTheSessionRunsPingsAreEchoedAndInstructionsReachIt() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        String first = tab.next();
        assertThat(first).matches("0\\.,36\\.[0-9a-f-]{36};");
        String uuid = first.substring(6, 42);
        assertThat(tab.next()).isEqualTo("4.sync,1.1;");

        EchoConverter.Session session = converter.last();
        assertThat(session.request.sessionId()).isEqualTo(uuid);
        assertThat(session.request.kind()).isEqualTo("vnc");
        assertThat(session.request.lanAddress()).isEqualTo("198.19.0.3:5900");
        assertThat(session.request.viewOnly()).isFalse();
        assertThat(session.request.width()).isEqualTo(1280);
        assertThat(session.request.height()).isEqualTo(720);

        tab.send("0.,4.ping,13.1732611111111;");
        assertThat(tab.next()).isEqualTo("0.,4.ping,13.1732611111111;");
        // an instruction split across two messages
        tab.send("3.key,5.65");
        tab.send("507,1.1;4.sync,1.1;");
        assertThat(tab.next()).isEqualTo("3.key,5.65507,1.1;");
        assertThat(tab.next()).isEqualTo("4.sync,1.1;");
        assertThat(session.received).extracting(i -> i.getOpcode()).containsExactly("key", "sync");

        tab.close();
        await().atMost(TestBrowser.WAIT).until(() -> session.returned != null);
        assertThat(session.returned.message()).isEqualTo("closed by the user");
    }

    @Test
    void theConnectionIsRecordedAndClosedWithTheEndsSentence() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        Map<String, Object> open = jdbc.queryForMap("select * from connection_record where device_id = ?",
                deviceId);
        assertThat(open.get("kind")).isEqualTo("desktop");
        assertThat(open.get("service")).isEqualTo("panel");
        assertThat(open.get("username")).isEqualTo(admin.username());
        assertThat(open.get("client_address")).isEqualTo("127.0.0.1");
        assertThat(open.get("ended_at")).isNull();

        tab.send("3.bye,23.the test server hung up;");
        assertThat(tab.next()).isEqualTo("5.error,23.the test server hung up,3.515;");
        assertThat(tab.closeStatus()).isEqualTo("1011 515");
        await().atMost(TestBrowser.WAIT).until(() -> count("select count(*) from connection_record where"
                + " device_id = ? and ended_at is not null", deviceId) == 1);
        assertThat(jdbc.queryForObject("select end_reason from connection_record where device_id = ?",
                String.class, deviceId)).isEqualTo("the test server hung up");
    }

    @Test
    void aUserWithoutADesktopRightIsRefused() throws Exception {
        PortalUser viewer = memberWith(Right.VIEW_STATUS);

        TestBrowser.Tab tab = openPanelAs(viewer);
        assertThat(tab.next()).startsWith("0.,36.");
        assertThat(tab.next()).startsWith("5.error,").contains("Remote desktop: view only").endsWith(",3.771;");
        assertThat(tab.closeStatus()).isEqualTo("1008 771");
        assertThat(count("select count(*) from connection_record where device_id = ?", deviceId)).isZero();
    }

    @Test
    void aViewOnlyUserGetsAViewOnlySession() throws Exception {
        PortalUser viewer = memberWith(Right.DESKTOP_VIEW);

        TestBrowser.Tab tab = openPanelAs(viewer);
        tab.next();
        assertThat(tab.next()).isEqualTo("4.sync,1.1;");
        assertThat(converter.last().request.viewOnly()).isTrue();
        assertThat(jdbc.queryForObject("select kind from connection_record where device_id = ?", String.class,
                deviceId)).as("the report says the session was watched, not controlled").isEqualTo("desktop-view");
        tab.close();
    }

    @Test
    void aDeviceOfAnotherAccountIsNotFound() throws Exception {
        PortalUser other = TestData.newUser(accounts, users, encoder, "Other-password-1");
        TestBrowser.Tab tab = new TestBrowser(port).signIn(other.accountName(), other.username(), "Other-password-1")
                .open(query(deviceId, "panel"));
        tab.next();
        assertThat(tab.next()).startsWith("5.error,").endsWith(",3.516;");
        assertThat(tab.closeStatus()).isEqualTo("1002 516");

        // a web service is not a desktop either, nor a service that does not exist
        TestBrowser.Tab web = browser.open(query(deviceId, "hmi"));
        web.next();
        assertThat(web.next()).endsWith(",3.516;");
        TestBrowser.Tab missing = browser.open("service=panel");
        missing.next();
        assertThat(missing.next()).endsWith(",3.768;");
    }

    @Test
    void aKindWithoutItsConverterIsUnsupportedWithTheReason() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "ipc"));
        tab.next();
        assertThat(tab.next()).startsWith("5.error,").contains("not-here").endsWith(",3.256;");
        assertThat(tab.closeStatus()).isEqualTo("1011 256");
    }

    @Test
    void removingTheRightEndsTheSessionOnceCommitted() throws Exception {
        PortalUser controller = memberWith(Right.DESKTOP_CONTROL);
        String group = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                controller.userId());
        TestBrowser.Tab tab = openPanelAs(controller);
        tab.next();
        tab.next();
        TestBrowser.Tab admins = browser.open(query(deviceId, "panel"));
        admins.next();
        admins.next();

        TransactionTemplate transaction = new TransactionTemplate(transactions);
        transaction.executeWithoutResult(status -> {
            jdbc.update("delete from pool_right where group_id = ?", group);
            events.publishEvent(new AccessChanged(admin.accountId(), "test"));
            status.setRollbackOnly();
        });
        tab.send("0.,4.ping,1.1;");
        assertThat(tab.next()).as("a change rolled back ends nothing").isEqualTo("0.,4.ping,1.1;");

        transaction.executeWithoutResult(status -> {
            jdbc.update("delete from pool_right where group_id = ?", group);
            events.publishEvent(new AccessChanged(admin.accountId(), "test"));
        });
        assertThat(tab.next()).isEqualTo("5.error," + Sentences.RIGHT_REMOVED.length() + "."
                + Sentences.RIGHT_REMOVED + ",3.771;");
        assertThat(tab.closeStatus()).isEqualTo("1008 771");
        await().atMost(TestBrowser.WAIT).until(() -> count("select count(*) from connection_record where"
                + " username = ? and end_reason = ?", controller.username(), Sentences.RIGHT_REMOVED) == 1);

        // the administrator's session goes on
        admins.send("0.,4.ping,1.2;");
        assertThat(admins.next()).isEqualTo("0.,4.ping,1.2;");
        admins.close();
    }

    @Test
    void theSweepEndsAControlSessionWhoseUserKeepsOnlyTheViewRight() throws Exception {
        PortalUser controller = memberWith(Right.DESKTOP_CONTROL);
        String group = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                controller.userId());
        TestBrowser.Tab tab = openPanelAs(controller);
        tab.next();
        tab.next();

        jdbc.update("update pool_right set right_name = ? where group_id = ?", Right.DESKTOP_VIEW.name(), group);
        // no event: the sweep finds it (this call, or the scheduled one if it came first)
        assertThat(ending.sweep()).isBetween(0, 1);

        assertThat(tab.next()).contains(Sentences.CONTROL_REMOVED).endsWith(",3.771;");
        assertThat(tab.closeStatus()).isEqualTo("1008 771");
    }

    @Test
    void signingOutEndsTheUsersSessions() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        ending.logout(null, null, UsernamePasswordAuthenticationToken.authenticated(admin, null, List.of()));
        assertThat(tab.next()).contains(Sentences.SIGNED_OUT).endsWith(",3.523;");
        assertThat(tab.closeStatus()).isEqualTo("1002 523");
    }

    @Test
    void theEndOfTheUsersAccessEndsTheirSessionsOnceCommitted() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        new TransactionTemplate(transactions).executeWithoutResult(status -> events.publishEvent(
                new UserAccessEnded(admin.accountId(), admin.userId(), admin.username(), "disabled by acct/boss")));
        assertThat(tab.next()).contains("your access to the portal ended (disabled by acct/boss)")
                .endsWith(",3.769;");
        assertThat(tab.closeStatus()).isEqualTo("1008 769");
    }

    @Test
    void revokingTheDevicesCertificateEndsItsSessions() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        new TransactionTemplate(transactions).executeWithoutResult(status -> events.publishEvent(
                new CertificatesRevoked(Set.of(deviceId))));
        assertThat(tab.next()).contains(Sentences.REVOKED).endsWith(",3.520;");
        await().atMost(TestBrowser.WAIT).until(() -> count("select count(*) from connection_record where"
                + " device_id = ? and end_reason = ?", deviceId, Sentences.REVOKED) == 1);
    }

    @Test
    void aUserMayHoldOnlySoManyDesktopsAtOnce() throws Exception {
        List<TestBrowser.Tab> tabs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
            tab.next();
            assertThat(tab.next()).isEqualTo("4.sync,1.1;");
            tabs.add(tab);
        }
        TestBrowser.Tab oneMore = browser.open(query(deviceId, "panel"));
        oneMore.next();
        assertThat(oneMore.next()).contains("you have 8 desktops open already").endsWith(",3.797;");
        tabs.get(0).close();
        await().atMost(TestBrowser.WAIT).until(() -> handler.liveCount() == 7);
        TestBrowser.Tab again = browser.open(query(deviceId, "panel"));
        again.next();
        assertThat(again.next()).isEqualTo("4.sync,1.1;");
    }

    @Test
    void aMessageLargerThanTheLimitEndsTheSession() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        tab.socket.sendText("4.blob,1.0," + (DesktopTunnelHandler.MAX_MESSAGE_CHARS + 1) + "."
                + "A".repeat(DesktopTunnelHandler.MAX_MESSAGE_CHARS + 1) + ";", true);
        assertThat(tab.closeStatus()).startsWith("1009");
        await().atMost(TestBrowser.WAIT).until(() -> count("select count(*) from connection_record where"
                + " device_id = ? and ended_at is not null", deviceId) == 1);
    }

    @Test
    void theEndOfThePortalSessionEndsTheUsersSessions() throws Exception {
        TestBrowser.Tab tab = browser.open(query(deviceId, "panel"));
        tab.next();
        tab.next();
        MockHttpSession session = new MockHttpSession();
        session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY,
                new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(admin, null, List.of())));
        // what HttpSessionEventPublisher publishes when the servlet session times out or is invalidated
        events.publishEvent(new HttpSessionDestroyedEvent(session));
        assertThat(tab.next()).contains(Sentences.PORTAL_SESSION_ENDED).endsWith(",3.522;");
    }

    /** A member holding {@code right} on the pool, with the password {@code Member-pw-1}. */
    /** A user of the account whose group holds {@code right} on a pool with the device (password Member-pw-1). */
    private PortalUser memberWith(Right right) {
        RightsTestData rights = new RightsTestData(jdbc);
        String pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, deviceId);
        PortalUser member = rights.userWith(admin, pool, right);
        jdbc.update("update app_user set password_hash = ? where id = ?", encoder.encode("Member-pw-1"),
                member.userId());
        return member;
    }

    /** Signs {@code member} in, in a browser of their own, and opens the device's {@code panel} desktop. */
    private TestBrowser.Tab openPanelAs(PortalUser member) throws Exception {
        return new TestBrowser(port).signIn(admin.accountName(), member.username(), "Member-pw-1")
                .open(query(deviceId, "panel"));
    }

    private int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }
}
