package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RelayServer#closeStreams}: open streams whose ticket matches end on both legs (the agent's LAN connection
 * and the stream client's stream) with {@code streamClosed} and their bytes, others stay open; a stream cut while
 * it is still being authorized is refused with the reason and reported failed; in-process streams are cut too.
 */
class CloseStreamsTest {

    private TunnelFixture fx;
    private LanServer lan;
    private volatile CountDownLatch authorizerGate;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        lan = new LanServer();
        fx.startRelay(b -> b.streamAuthorizer((ticket, certificate) -> {
            CountDownLatch gate = authorizerGate;
            if (gate != null) {
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        fx.knownDevices.add("dev-1");
        fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(lan.target())));
        eventually(() -> fx.relay.isOnline("dev-1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
        lan.close();
    }

    @Test
    void theMatchingStreamsEndOnBothLegsAndTheOthersGoOn() throws Exception {
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        TestPki.Issued bob = fx.pki.client("bob", Duration.ofHours(1));
        StreamClient aliceClient = client(alice);
        StreamClient bobClient = client(bob);
        String aliceTicket = ticket("alice", alice);
        Channel aliceStream = await(aliceClient.openStream(aliceTicket));
        Channel bobStream = await(bobClient.openStream(ticket("bob", bob)));
        byte[] data = randomBytes(10_000, 7);
        assertThat(echoRoundTrip(aliceStream, data)).isEqualTo(data);
        assertThat(echoRoundTrip(bobStream, data)).isEqualTo(data);
        assertThat(lan.connections).hasSize(2);

        int cut = fx.relay.closeStreams(t -> t.user().equals("alice"), TunnelError.NO_RIGHT);

        assertThat(cut).isOne();
        eventually(() -> !aliceStream.isActive());
        eventually(() -> fx.events.count("closed ") == 1);
        assertThat(fx.events.log).contains("closed " + ticketId(aliceTicket));
        assertThat(fx.events.streamBytes.get(0)).containsExactly(10_000L, 10_000L);
        assertThat(lan.connections.get(0).ended).as("the agent closed alice's LAN connection")
                .succeedsWithin(Duration.ofSeconds(20));

        bobStream.pipeline().remove(TunnelFixture.Collector.class); // the first round trip's reader
        byte[] more = randomBytes(5_000, 8);
        assertThat(echoRoundTrip(bobStream, more)).as("bob's stream on the same tunnel goes on").isEqualTo(more);
        assertThat(bobStream.isActive()).isTrue();
        assertThat(lan.connections.get(1).ended).isNotDone();
        assertThat(aliceClient.isActive()).as("only the stream ends, not alice's connection").isTrue();
        await(aliceClient.openStream(ticket("alice", alice))).close();
        eventually(() -> fx.events.count("closed ") == 2);

        assertThat(fx.relay.closeStreams(t -> t.user().equals("alice"), TunnelError.NO_RIGHT))
                .as("nothing of alice's is open any more").isZero();
        assertThat(fx.relay.closeStreams(t -> false, TunnelError.NO_RIGHT)).isZero();
        assertThat(bobStream.isActive()).isTrue();
    }

    @Test
    void aStreamCutWhileItIsAuthorizedIsRefusedWithTheReason() throws Exception {
        TestPki.Issued alice = fx.pki.client("alice", Duration.ofHours(1));
        StreamClient client = client(alice);
        authorizerGate = new CountDownLatch(1);
        String ticket = ticket("alice", alice);

        CompletableFuture<Channel> opening = client.openStream(ticket);
        eventually(() -> fx.relay.closeStreams(t -> t.ticketId().equals(ticketId(ticket)), TunnelError.NO_RIGHT) == 1);
        authorizerGate.countDown();

        assertThatThrownBy(() -> await(opening)).cause().isInstanceOfSatisfying(TunnelException.class,
                e -> assertThat(e.error()).isEqualTo(TunnelError.NO_RIGHT));
        eventually(() -> fx.events.count("failed ") == 1);
        assertThat(fx.events.log).contains("failed " + ticketId(ticket) + " NO_RIGHT");
        assertThat(fx.events.count("opened ")).isZero();
        assertThat(lan.connections).as("the device was never asked").isEmpty();
        assertThat(client.isActive()).isTrue();
    }

    @Test
    void inProcessStreamsAreCutToo() throws Exception {
        String ticket = fx.ticket("dev-1", lan.target());
        Channel stream = await(fx.relay.openStream(ticket));
        TunnelFixture.Collector collector = TunnelFixture.Collector.attach(stream);

        assertThat(fx.relay.closeStreams(t -> t.deviceId().equals("dev-1"), TunnelError.REVOKED)).isOne();

        assertThat(collector.closed).succeedsWithin(Duration.ofSeconds(20));
        eventually(() -> fx.events.count("closed ") == 1);
        assertThat(lan.connections.get(0).ended).succeedsWithin(Duration.ofSeconds(20));
        assertThat(fx.relay.isOnline("dev-1")).as("the tunnel stays up").isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> fx.relay.closeStreams(null, TunnelError.NO_RIGHT))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("which");
        assertThatThrownBy(() -> fx.relay.closeStreams(t -> true, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("reason");
    }

    private StreamClient client(TestPki.Issued certificate) throws Exception {
        StreamClient client = StreamClient.connect(fx.relayAddress(),
                TunnelTls.forStreamClient(certificate.key(), certificate.chain(), fx.pki.trust()))
                .get(10, TimeUnit.SECONDS);
        fx.closeables.add(client);
        return client;
    }

    private String ticket(String user, TestPki.Issued holder) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "acme", user, "dev-1", lan.target(),
                Instant.now().plusSeconds(60), Tickets.fingerprint(holder.certificate())), fx.ticketKeys.getPrivate());
    }

    private String ticketId(String ticket) {
        try {
            return Tickets.verify(ticket, fx.ticketKeys.getPublic(), Clock.systemUTC()).ticketId();
        } catch (TunnelException e) {
            throw new AssertionError(e);
        }
    }

    /** An echo server on loopback that tells when each of its connections ended (its peer closed or reset it). */
    private static final class LanServer implements AutoCloseable {
        final List<Connection> connections = new CopyOnWriteArrayList<>();
        private final ServerSocket server;

        record Connection(Socket socket, CompletableFuture<Void> ended) {
        }

        LanServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "lan-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        LanTarget target() {
            return new LanTarget("127.0.0.1", server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Connection connection = new Connection(server.accept(), new CompletableFuture<>());
                    connections.add(connection);
                    Thread echo = new Thread(() -> echo(connection), "lan-echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void echo(Connection connection) {
            byte[] buffer = new byte[16384];
            try (Socket socket = connection.socket(); InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // reset by the agent: ended as well
            }
            connection.ended().complete(null);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Connection connection : connections) {
                connection.socket().close();
            }
        }
    }
}
