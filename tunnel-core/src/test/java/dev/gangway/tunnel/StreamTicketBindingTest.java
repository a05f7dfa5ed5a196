package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream-client leg's ticket rules: a bound ticket only with its client certificate, bound tickets required
 * when configured, one stream per ticket, the stream authorizer's last word, and expired client certificates.
 */
class StreamTicketBindingTest {

    private TunnelFixture fx;
    /** Every target the device's agent was asked to connect to. */
    private final List<LanTarget> agentAsked = new CopyOnWriteArrayList<>();
    /** What the stream authorizer was called with. */
    private final List<Seen> authorized = new CopyOnWriteArrayList<>();
    private volatile StreamAuthorizer verdict = StreamAuthorizer.ALLOW_ALL;

    private record Seen(StreamTicket ticket, X509Certificate certificate, String thread) {
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    /** A relay with a recording stream authorizer and an online dev-1 whose agent allows only the echo server. */
    private void start(Consumer<RelayServer.Builder> customize) throws Exception {
        fx.startRelay(b -> {
            b.streamAuthorizer((ticket, certificate) -> {
                authorized.add(new Seen(ticket, certificate, Thread.currentThread().getName()));
                verdict.authorize(ticket, certificate);
            });
            customize.accept(b);
        });
        fx.knownDevices.add("dev-1");
        TargetPolicy allowEcho = TunnelFixture.allowOnly(fx.echo.target());
        fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), target -> {
            agentAsked.add(target);
            allowEcho.check(target);
        }));
        eventually(() -> fx.relay.isOnline("dev-1"));
    }

    private StreamClient client(TestPki.Issued certificate) throws Exception {
        StreamClient client = StreamClient.connect(fx.relayAddress(), certificate == null
                        ? TunnelTls.forStreamClient(null, null, fx.pki.trust())
                        : TunnelTls.forStreamClient(certificate.key(), certificate.chain(), fx.pki.trust()))
                .get(10, TimeUnit.SECONDS);
        fx.closeables.add(client);
        return client;
    }

    private String boundTicket(TestPki.Issued holder, LanTarget target) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "acme", "alice", "dev-1", target,
                Instant.now().plusSeconds(60), Tickets.fingerprint(holder.certificate())), fx.ticketKeys.getPrivate());
    }

    @Test
    void aBoundTicketOpensWithItsCertificate() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);

        Channel stream = await(client.openStream(boundTicket(alice, fx.echo.target())));
        byte[] data = randomBytes(64 * 1024, 3);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
        eventually(() -> fx.events.count("closed ") == 1);

        assertThat(authorized).hasSize(1);
        Seen seen = authorized.get(0);
        assertThat(seen.ticket().holder()).isEqualTo(Tickets.fingerprint(alice.certificate()));
        assertThat(seen.certificate()).isNotNull();
        assertThat(Tickets.fingerprint(seen.certificate())).isEqualTo(Tickets.fingerprint(alice.certificate()));
        assertThat(seen.thread()).startsWith("gangway-relay-stream-check-");
        assertThat(fx.events.count("failed ")).isZero();
    }

    @Test
    void aBoundTicketIsRefusedWithAnotherCertificateOfTheSameCa() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        TestPki.Issued mallory = fx.pki.client("mallory", Duration.ofHours(1));
        StreamClient client = client(mallory);

        assertRefused(() -> client.openStream(boundTicket(alice, fx.echo.target())), TunnelError.BAD_TICKET);
        assertThat(authorized).isEmpty();
        assertThat(agentAsked).isEmpty();
        assertThat(client.isActive()).isTrue();
    }

    @Test
    void aBoundTicketIsRefusedWithoutACertificate() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(null);

        assertRefused(() -> client.openStream(boundTicket(alice, fx.echo.target())), TunnelError.BAD_TICKET);
        assertThat(authorized).isEmpty();
        assertThat(agentAsked).isEmpty();
    }

    @Test
    void someoneWithoutTheCertificateCannotUseUpABoundTicket() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        String ticket = boundTicket(alice, fx.echo.target());

        assertRefused(() -> client(fx.pki.client("mallory", Duration.ofHours(1))).openStream(ticket), TunnelError.BAD_TICKET);
        await(client(alice).openStream(ticket)).close();
    }

    @Test
    void anUnboundTicketIsRefusedWhenBoundTicketsAreRequired() throws Exception {
        start(b -> b.requireBoundTickets(true));
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);

        assertRefused(() -> client.openStream(fx.ticket("dev-1", fx.echo.target())), TunnelError.BAD_TICKET);
        assertThat(authorized).isEmpty();
        assertThat(agentAsked).isEmpty();
        // Bound tickets still open, and the in-process leg still takes unbound ones.
        await(client.openStream(boundTicket(alice, fx.echo.target()))).close();
        await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target()))).close();
    }

    @Test
    void anUnboundTicketOpensWhenBoundTicketsAreNotRequired() throws Exception {
        start(b -> { });
        StreamClient client = client(null);

        await(client.openStream(fx.ticket("dev-1", fx.echo.target()))).close();
        assertThat(authorized).singleElement().satisfies(seen -> assertThat(seen.certificate()).isNull());
    }

    @Test
    void aTicketOpensOneStreamOnly() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);
        String ticket = boundTicket(alice, fx.echo.target());

        await(client.openStream(ticket)).close();
        assertRefused(() -> client.openStream(ticket), TunnelError.BAD_TICKET);
        assertRefused(() -> client(alice).openStream(ticket), TunnelError.BAD_TICKET);
        assertThat(authorized).hasSize(1);
        assertThat(agentAsked).hasSize(1);
    }

    @Test
    void aTicketOpensOneStreamOnlyAcrossBothLegs() throws Exception {
        start(b -> { });
        String unbound = fx.ticket("dev-1", fx.echo.target());
        await(fx.relay.openStream(unbound)).close();
        assertRefused(() -> fx.relay.openStream(unbound), TunnelError.BAD_TICKET);
        assertRefused(() -> client(null).openStream(unbound), TunnelError.BAD_TICKET);

        String other = fx.ticket("dev-1", fx.echo.target());
        await(client(null).openStream(other)).close();
        assertRefused(() -> fx.relay.openStream(other), TunnelError.BAD_TICKET);
        assertThat(agentAsked).hasSize(2);
    }

    @Test
    void theAuthorizersRefusalReachesTheClientAndTheDeviceIsNeverAsked() throws Exception {
        start(b -> { });
        verdict = (ticket, certificate) -> {
            throw TunnelException.of(TunnelError.NO_RIGHT, "alice may not forward to dev-1");
        };
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);

        assertThatThrownBy(() -> await(client.openStream(boundTicket(alice, fx.echo.target()))))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.NO_RIGHT);
                    assertThat(e).hasMessageContaining("status 403");
                });
        assertThat(authorized).hasSize(1);
        assertThat(agentAsked).isEmpty();
        assertThat(fx.events.count("opened ")).isZero();
        assertThat(fx.events.count("failed ")).isZero();
        assertThat(client.isActive()).isTrue();
    }

    @Test
    void aFailingAuthorizerRefusesWithInternal() throws Exception {
        start(b -> { });
        verdict = (ticket, certificate) -> {
            throw new IllegalStateException("database down");
        };
        StreamClient client = client(null);

        assertRefused(() -> client.openStream(fx.ticket("dev-1", fx.echo.target())), TunnelError.INTERNAL);
        assertThat(agentAsked).isEmpty();
    }

    @Test
    void streamFailedIsReportedWhenTheAgentRefusesAnAuthorizedStream() throws Exception {
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);
        String ticket = boundTicket(alice, new LanTarget("127.0.0.1", 1));
        String ticketId = Tickets.verify(ticket, fx.ticketKeys.getPublic(), java.time.Clock.systemUTC()).ticketId();

        assertRefused(() -> client.openStream(ticket), TunnelError.TARGET_NOT_ALLOWED);
        eventually(() -> fx.events.count("failed ") == 1);
        assertThat(fx.events.log).contains("failed " + ticketId + " TARGET_NOT_ALLOWED");
        assertThat(fx.events.count("opened ")).isZero();
        assertThat(agentAsked).containsExactly(new LanTarget("127.0.0.1", 1));
    }

    @Test
    void streamFailedIsReportedWhenTheDeviceIsOffline() throws Exception {
        start(b -> { });
        StreamClient client = client(null);
        String ticket = fx.ticket("dev-2", fx.echo.target());

        assertRefused(() -> client.openStream(ticket), TunnelError.DEVICE_OFFLINE);
        eventually(() -> fx.events.count("failed ") == 1);
        assertThat(fx.events.log).anyMatch(e -> e.startsWith("failed ") && e.endsWith(" DEVICE_OFFLINE"));
    }

    @Test
    void anExpiredClientCertificateFailsTheHandshake() throws Exception {
        start(b -> { });
        TestPki.Issued expired = fx.pki.client("alice", Duration.ofSeconds(-30));
        assertThat(expired.certificate().getNotAfter()).isBefore(java.util.Date.from(Instant.now()));

        // TLS 1.3: the client's side of the handshake ends before the relay checks its certificate, so the
        // relay's alert arrives on the first read.
        assertThatThrownBy(() -> {
            try (SSLSocket socket = tlsSocket(expired)) {
                InputStream in = socket.getInputStream();
                in.read();
            }
        }).isInstanceOf(SSLException.class).hasMessageContaining("certificate");
        // Through the client library: the connection never carries a stream.
        CompletableFuture<StreamClient> connecting = StreamClient.connect(fx.relayAddress(),
                TunnelTls.forStreamClient(expired.key(), expired.chain(), fx.pki.trust()));
        try {
            StreamClient client = connecting.get(10, TimeUnit.SECONDS);
            fx.closeables.add(client);
            eventually(() -> !client.isActive());
            assertThatThrownBy(() -> await(client.openStream(fx.ticket("dev-1", fx.echo.target()))))
                    .isInstanceOf(ExecutionException.class);
        } catch (ExecutionException refusedDuringTheHandshake) {
            assertThat(refusedDuringTheHandshake.getCause()).isInstanceOf(TunnelException.class);
        }
        assertThat(authorized).isEmpty();
        assertThat(agentAsked).isEmpty();
    }

    private SSLSocket tlsSocket(TestPki.Issued clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", fx.pki.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", clientCertificate.key(), "x".toCharArray(), clientCertificate.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), fx.relayPort);
        socket.setSoTimeout(15_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {TunnelProtocol.ALPN_STREAM_CLIENT});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    @Test
    void oneConnectionMayHaveOnlySoManyStreamsWaitingForTheirChecks() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        verdict = (ticket, certificate) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        start(b -> { });
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);
        List<CompletableFuture<Channel>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < TicketedConnect.MAX_PENDING_PER_CONNECTION; i++) {
            waiting.add(client.openStream(boundTicket(alice, fx.echo.target())));
        }
        eventually(() -> authorized.size() >= 4);

        String refusedTicket = boundTicket(alice, fx.echo.target());
        assertRefused(() -> client.openStream(refusedTicket), TunnelError.TOO_MANY_STREAMS);
        // another connection is not held up by this one's queue
        StreamClient other = client(alice);
        CompletableFuture<Channel> elsewhere = other.openStream(boundTicket(alice, fx.echo.target()));

        release.countDown();
        for (CompletableFuture<Channel> stream : waiting) {
            await(stream).close();
        }
        await(elsewhere).close();
        // the refused ticket was not used up: it opens once the queue is short again
        Channel late = await(client.openStream(refusedTicket));
        byte[] data = randomBytes(1024, 5);
        assertThat(echoRoundTrip(late, data)).isEqualTo(data);
    }

    private static void assertRefused(ThrowingSupplier open, TunnelError expected) {
        assertThatThrownBy(() -> await(open.get()))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    @FunctionalInterface
    private interface ThrowingSupplier {
        CompletableFuture<Channel> get() throws Exception;
    }
}
