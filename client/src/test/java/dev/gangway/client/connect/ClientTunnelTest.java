package dev.gangway.client.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.FakePortal;
import dev.gangway.client.FakePortal.Reply;
import dev.gangway.client.Output;
import dev.gangway.client.TestCa;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalException;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.Tickets;
import io.netty.channel.Channel;
import java.net.URI;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Certificates, tickets bound to them, and streams, with a local portal and a fake relay. */
class ClientTunnelTest {

    private FakePortal portal;
    private TestCa ca;
    private final List<X509Certificate> issued = new CopyOnWriteArrayList<>();
    private final List<RelayLinkTest.FakeConnection> connections = new CopyOnWriteArrayList<>();
    private final List<ClientException> fatal = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AtomicInteger tickets = new AtomicInteger();
    private ClientTunnel tunnel;

    @BeforeEach
    void setUp() throws Exception {
        ca = new TestCa();
        portal = new FakePortal();
        portal.on("POST /certificate", r -> {
            try {
                String answer = ca.certificateAnswer(r.body(), Duration.ofHours(1), 8443);
                JsonNode node = Output.JSON.readTree(answer);
                issued.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new java.io.ByteArrayInputStream(node.get("certificate").stringValue().getBytes())));
                return new Reply(201, answer);
            } catch (Exception e) {
                return new Reply(500, FakePortal.error("internal", e.toString()));
            }
        });
        portal.on("POST /tickets", r -> new Reply(201, "{\"ticket\":\"ticket-" + tickets.incrementAndGet()
                + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"relay\":{\"host\":\"127.0.0.1\",\"port\":8443}}"));
        PortalClient client = new PortalClient(URI.create(portal.url()), Optional.empty(), SSLContext.getDefault(),
                "test");
        tunnel = new ClientTunnel(client, FakePortal.TOKEN, "dev-7", Optional.empty(), warnings::add, fatal::add,
                (relay, tls, proxy) -> {
                    RelayLinkTest.FakeConnection c = new RelayLinkTest.FakeConnection();
                    connections.add(c);
                    return CompletableFuture.completedFuture(c);
                });
    }

    @AfterEach
    void tearDown() {
        tunnel.close();
        portal.close();
    }

    private JsonNode ticketRequest(int index) {
        return Output.JSON.readTree(portal.requests("POST /tickets").get(index).body());
    }

    @Test
    void aStreamUsesATicketBoundToTheCurrentCertificate() throws Exception {
        tunnel.start();
        assertThat(tunnel.relay().getHostString()).isEqualTo("127.0.0.1");
        Channel stream = tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS);
        assertThat(stream.isOpen()).isTrue();
        JsonNode sent = ticketRequest(0);
        assertThat(sent.get("deviceId").stringValue()).isEqualTo("dev-7");
        assertThat(sent.get("host").stringValue()).isEqualTo("198.19.0.2");
        assertThat(sent.get("port").intValue()).isEqualTo(80);
        assertThat(sent.get("certificate").stringValue()).isEqualTo(Tickets.fingerprint(issued.get(0)));
        assertThat(connections).singleElement().satisfies(c -> assertThat(c.tickets).containsExactly("ticket-1"));
        assertThat(portal.requests("POST /tickets").get(0).authorization()).isEqualTo("Bearer " + FakePortal.TOKEN);
    }

    @Test
    void anUnknownCertificateIsRenewedOnceAndTheOldConnectionDrains() throws Exception {
        tunnel.start();
        Channel first = tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS);
        AtomicInteger calls = new AtomicInteger();
        portal.on("POST /tickets", r -> calls.incrementAndGet() == 1
                ? new Reply(409, FakePortal.error("no-certificate", "that certificate is not yours or expired"))
                : new Reply(201, "{\"ticket\":\"ticket-new\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}"));
        Channel second = tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(issued).hasSize(2);
        assertThat(ticketRequest(2).get("certificate").stringValue()).isEqualTo(Tickets.fingerprint(issued.get(1)));
        assertThat(connections).hasSize(2);
        assertThat(connections.get(1).tickets).containsExactly("ticket-new");
        // the old connection still carries its stream; it closes when that ends
        assertThat(connections.get(0).closed).isNotDone();
        assertThat(tunnel.links()).isEqualTo(2);
        first.close();
        connections.get(0).closed.get(5, TimeUnit.SECONDS);
        assertThat(connections.get(1).closed).isNotDone();
        // the drained link is forgotten, so renewals do not pile links up
        for (int i = 0; i < 500 && tunnel.links() != 1; i++) {
            Thread.sleep(10);
        }
        assertThat(tunnel.links()).isOne();
        Channel third = tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS);
        assertThat(third.isOpen()).isTrue();
        assertThat(connections).as("the new streams use the new connection").hasSize(2);
    }

    @Test
    void refusalsReachTheCaller() throws Exception {
        tunnel.start();
        portal.on("POST /tickets", 403, FakePortal.error("no-right", "you may not open client port forwards to Press 4"));
        assertThatThrownBy(() -> tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NO_RIGHT));
        assertThat(fatal).isEmpty();
        assertThat(connections.get(0).tickets).isEmpty();
    }

    @Test
    void anEndedSessionIsFatal() throws Exception {
        tunnel.start();
        portal.on("POST /tickets", 401, FakePortal.error("session-ended", "ended"));
        assertThatThrownBy(() -> tunnel.open(new LanTarget("198.19.0.2", 80)).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThat(fatal).singleElement().satisfies(e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_SIGNED_IN));
    }

    @Test
    void aRelayThatCannotBeReachedFailsTheStart() throws Exception {
        tunnel.close();
        PortalClient client = new PortalClient(URI.create(portal.url()), Optional.empty(), SSLContext.getDefault(),
                "test");
        tunnel = new ClientTunnel(client, FakePortal.TOKEN, "dev-7", Optional.empty(), warnings::add, fatal::add,
                (relay, tls, proxy) -> CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused")));
        assertThatThrownBy(tunnel::start).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(e.getMessage()).isEqualTo("cannot connect to the relay 127.0.0.1:8443: ConnectException:"
                    + " Connection refused");
        });
    }
}
