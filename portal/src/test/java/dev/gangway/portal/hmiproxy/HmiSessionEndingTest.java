package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.relay.DeviceStreams;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.session.HttpSessionCreatedEvent;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An HMI session ends with the right it was opened under: sign-out, the end of the portal session, revocation of
 * the device's certificate. Its host then answers 410 and its open connections close.
 */
@SpringBootTest
@AutoConfigureMockMvc
class HmiSessionEndingTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    ApplicationContext context;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    HmiSessionRegistry registry;
    @Autowired
    HmiProxyServer server;

    /** A device that never answers: a forwarded request keeps its browser connection open and attached. */
    @MockitoBean
    DeviceStreams deviceStreams;

    PortalUser alice;

    @BeforeEach
    void user() {
        alice = TestData.newUser(accounts, users, encoder, "pw");
        when(deviceStreams.open(any(), any(), any(), any())).thenReturn(new java.util.concurrent.CompletableFuture<>());
    }

    @Test
    void signingOutEndsTheUsersHmiSessions() throws Exception {
        URI entry = open(alice, "device-1");
        try (RawHttp live = liveConnection(entry)) {
            mvc.perform(post("/logout").with(TestData.signedIn(alice)).with(csrf()))
                    .andExpect(status().isFound());

            assertThat(live.closedByServer()).isTrue();
            assertEnded(entry);
        }
    }

    @Test
    void theEndOfThePortalSessionEndsTheUsersHmiSessions() throws Exception {
        assertThat(context.getBeansOfType(HttpSessionEventPublisher.class)).isNotEmpty();
        URI entry = open(alice, "device-1");
        PortalUser bob = TestData.newUser(accounts, users, encoder, "pw");
        URI bobs = open(bob, "device-1");
        try (RawHttp live = liveConnection(entry)) {
            MockHttpSession session = new MockHttpSession();
            SecurityContext signedIn = new SecurityContextImpl(
                    org.springframework.security.authentication.UsernamePasswordAuthenticationToken.authenticated(
                            alice, null, List.of()));
            session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, signedIn);
            context.publishEvent(new HttpSessionCreatedEvent(session));
            // what HttpSessionEventPublisher publishes when the servlet session times out or is invalidated
            context.publishEvent(new HttpSessionDestroyedEvent(session));

            assertThat(live.closedByServer()).isTrue();
            assertEnded(entry);
        }
        assertThat(registry.find(sessionId(bobs))).isPresent();
    }

    @Test
    void revokingTheDevicesCertificateEndsItsHmiSessionsOnceCommitted() throws Exception {
        URI onDevice = open(alice, "device-revoked");
        URI elsewhere = open(alice, "device-other");
        TransactionTemplate transaction = new TransactionTemplate(transactions);

        // a revocation that rolls back ends nothing
        transaction.executeWithoutResult(status -> {
            context.publishEvent(new CertificatesRevoked(Set.of("device-revoked")));
            status.setRollbackOnly();
        });
        assertThat(registry.find(sessionId(onDevice))).isPresent();

        try (RawHttp live = liveConnection(onDevice)) {
            transaction.executeWithoutResult(status ->
                    context.publishEvent(new CertificatesRevoked(Set.of("device-revoked"))));

            assertThat(live.closedByServer()).isTrue();
            assertEnded(onDevice);
        }
        assertThat(registry.find(sessionId(elsewhere))).isPresent();
    }

    private URI open(PortalUser user, String deviceId) {
        return registry.open(user.accountId(), user.username(), deviceId, "hmi", ProxyTestBed.DEVICE_HMI, false);
    }

    /** Enters the session and leaves a request waiting for the device on a connection of the session. */
    private RawHttp liveConnection(URI entry) throws Exception {
        String cookie;
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response entered = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(entered.status()).isEqualTo(302);
            String setCookie = entered.header("Set-Cookie");
            cookie = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        }
        RawHttp live = new RawHttp(server.port());
        live.send("GET / HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie) + "\r\n\r\n");
        HmiSession session = registry.find(sessionId(entry)).orElseThrow();
        while (session.connectionCount() == 0) {
            Thread.onSpinWait();
        }
        return live;
    }

    private void assertEnded(URI entry) throws Exception {
        assertThat(registry.find(sessionId(entry))).isEmpty();
        try (RawHttp http = new RawHttp(server.port())) {
            RawHttp.Response response = http.get(host(entry), "/");
            assertThat(response.status()).isEqualTo(410);
        }
    }
}
