package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.portal.report.ConnectionRecord;
import dev.gangway.portal.report.ConnectionRecordRepository;
import dev.gangway.portal.system.AuditEvent;
import dev.gangway.portal.system.AuditEventRepository;
import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * HMI sessions in the connection report, through the real proxy and the real database: the record is written when
 * the session opens (with the browser's address, the device's name and the user's id), shows the proxied bytes
 * while the session is live, and is closed with the final bytes when it ends. A failed audit write refuses the
 * session.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ConnectionRecordingTest extends PortalTestSupport {

    private static final TestBackend BACKEND = new TestBackend();
    private static final TestDeviceStreams STREAMS = new TestDeviceStreams(BACKEND.address());
    private static final int BODY = 200_000;

    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    HmiSessionRegistry registry;
    @Autowired
    HmiProxyServer server;
    @Autowired
    ConnectionRecordRepository records;
    @Autowired
    AuditEventRepository auditEvents;
    @Autowired
    JdbcTemplate jdbc;

    /** Device streams go to the test backend, which plays the device's web server. */
    @MockitoBean
    DeviceStreams deviceStreams;

    PortalUser alice;
    String deviceId;

    @BeforeEach
    void userAndDevice() {
        alice = TestData.newUser(accounts, users, encoder, "pw");
        deviceId = UUID.randomUUID().toString();
        jdbc.update("insert into device (id, account_id, name, created_at) values (?, ?, ?, ?)", deviceId,
                alice.accountId(), "Press line 3", OffsetDateTime.now(ZoneOffset.UTC));
        when(deviceStreams.open(any(), any(), any(), any())).thenAnswer(call -> STREAMS.open(call.getArgument(0),
                call.getArgument(1), call.getArgument(2), call.getArgument(3)));
    }

    @AfterAll
    static void closeBackend() {
        STREAMS.close();
        BACKEND.close();
    }

    @Test
    void aProxiedSessionIsRecordedWithTheBrowsersAddressItsBytesAndItsEnd() throws Exception {
        Instant before = Instant.now();
        URI entry = openFrom("198.51.100.7");
        HmiSession session = registry.find(sessionId(entry)).orElseThrow();

        ConnectionRecord opened = onlyRecord();
        assertThat(opened.getId()).isEqualTo(session.recordId());
        assertThat(opened.getUsername()).isEqualTo("user");
        assertThat(opened.getUserId()).isEqualTo(alice.userId());
        assertThat(opened.getDeviceId()).isEqualTo(deviceId);
        assertThat(opened.getDeviceName()).isEqualTo("Press line 3");
        assertThat(opened.getService()).isEqualTo("hmi");
        assertThat(opened.getKind()).isEqualTo("web");
        assertThat(opened.getClientAddress()).isEqualTo("198.51.100.7");
        assertThat(opened.getStartedAt()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(opened.getEndedAt()).isNull();
        assertThat(actions()).containsExactly("connection.open");

        String cookie = enter(entry);
        String request = "GET /download?size=" + BODY + " HTTP/1.1\r\nHost: " + host(entry) + "\r\n"
                + cookieHeader(cookie) + "\r\n\r\n";
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(request);
            assertThat(http.read().body()).hasSize(BODY);

            // while the session is live, the report shows the bytes so far
            registry.reportProgress();
            registry.flushReport(Duration.ofSeconds(10));
            ConnectionRecord live = onlyRecord();
            assertThat(live.getEndedAt()).isNull();
            assertThat(live.getBytesOut()).isGreaterThan(BODY).isLessThanOrEqualTo(BODY + 4096);
            assertThat(live.getBytesIn()).isGreaterThanOrEqualTo(request.length())
                    .isLessThanOrEqualTo(request.length() + 1024);
        }

        assertThat(registry.endForUser(alice.accountId(), alice.username())).isEqualTo(1);
        registry.flushReport(Duration.ofSeconds(10));

        ConnectionRecord closed = onlyRecord();
        assertThat(closed.getEndedAt()).isNotNull();
        assertThat(Duration.between(closed.getStartedAt(), closed.getEndedAt()).isNegative()).isFalse();
        assertThat(closed.getEndReason()).isEqualTo("ended for the user");
        assertThat(closed.getBytesOut()).isEqualTo(session.bytesToBrowser()).isGreaterThan(BODY)
                .isLessThanOrEqualTo(BODY + 4096);
        assertThat(closed.getBytesIn()).isEqualTo(session.bytesFromBrowser())
                .isGreaterThanOrEqualTo(request.length());
        assertThat(actions()).containsExactly("connection.open", "connection.close");
        assertThat(auditEvents.findByAccountIdOrderByOccurredAt(alice.accountId()).get(1).getDetail())
                .contains("ended for the user", closed.getBytesOut() + " bytes out");
    }

    @Test
    void aSessionOfAnUnknownDeviceOpenedOutsideAWebRequestIsStillRecorded() {
        // the test framework binds a mock request of its own to the test's thread
        RequestContextHolder.resetRequestAttributes();
        registry.open(alice.accountId(), alice.username(), "no-such-device", "hmi", ProxyTestBed.DEVICE_HMI, false);

        ConnectionRecord record = onlyRecord();
        assertThat(record.getDeviceName()).isEqualTo("(unknown device no-such-device)");
        assertThat(record.getClientAddress()).isNull();
        registry.endForUser(alice.accountId(), alice.username());
    }

    /** SECURITY 17: if the audit write fails, no new session opens (and no record is left behind). */
    @Test
    void whenTheAuditWriteFailsNoSessionOpens() {
        String constraint = "ck_test_" + alice.accountId().substring(0, 8);
        jdbc.execute("alter table audit_event add constraint " + constraint + " check (account_id <> '"
                + alice.accountId() + "' or action <> 'connection.open')");
        try {
            assertThatThrownBy(() -> openFrom("198.51.100.7")).isInstanceOf(DataIntegrityViolationException.class);
        } finally {
            jdbc.execute("alter table audit_event drop constraint " + constraint);
        }
        assertThat(registry.sessions()).noneMatch(s -> s.account().equals(alice.accountId()));
        assertThat(records.findByAccountIdOrderByStartedAtDesc(alice.accountId())).isEmpty();
        assertThat(actions()).isEmpty();
    }

    private URI openFrom(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/devices/" + deviceId
                + "/services/hmi/open");
        request.setRemoteAddr(address);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        try {
            return registry.open(alice.accountId(), alice.username(), deviceId, "hmi",
                    new LanTarget("198.19.0.2", 80), false);
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }

    private String enter(URI entry) throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response entered = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(entered.status()).isEqualTo(302);
            String setCookie = entered.header("Set-Cookie");
            return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        }
    }

    private ConnectionRecord onlyRecord() {
        List<ConnectionRecord> mine = records.findByAccountIdOrderByStartedAtDesc(alice.accountId());
        assertThat(mine).hasSize(1);
        return mine.get(0);
    }

    private List<String> actions() {
        return auditEvents.findByAccountIdOrderByOccurredAt(alice.accountId()).stream()
                .map(AuditEvent::getAction).toList();
    }
}
