package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamClientIntegrationTest {

    private TunnelFixture fx;
    private StreamClient client;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> { });
        fx.onlineAgent("dev-1");
        client = StreamClient.connect(fx.relayAddress(), TunnelTls.forStreamClient(null, null, fx.pki.trust()))
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        fx.close();
    }

    @Test
    void bytesRoundTripThroughTheRelay() throws Exception {
        Channel stream = await(client.openStream(fx.ticket("dev-1", fx.echo.target())));
        assertThat(stream.config().isAutoRead()).isFalse();
        byte[] data = randomBytes(1024 * 1024 + 3, 10);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
        eventually(() -> fx.events.count("closed ") == 1);
        assertThat(fx.events.streamBytes.get(0)).containsExactly(data.length, data.length);
    }

    @Test
    void refusalsCarryTheirError() {
        assertError(() -> client.openStream(fx.ticket("dev-1", new LanTarget("127.0.0.1", 1))), TunnelError.TARGET_NOT_ALLOWED);
        assertError(() -> client.openStream(fx.ticket("offline", fx.echo.target())), TunnelError.DEVICE_OFFLINE);
        String expired = Tickets.sign(new StreamTicket("t", "acme", "alice", "dev-1", fx.echo.target(),
                Instant.now().minusSeconds(1)), fx.ticketKeys.getPrivate());
        assertError(() -> client.openStream(expired), TunnelError.TICKET_EXPIRED);
        String forged = Tickets.sign(new StreamTicket("t", "acme", "alice", "dev-1", fx.echo.target(),
                Instant.now().plusSeconds(60)), Tickets.generateKeyPair().getPrivate());
        assertError(() -> client.openStream(forged), TunnelError.BAD_TICKET);
        assertThat(client.isActive()).isTrue();
    }

    @Test
    void localForwarderSplicesEachConnectionIntoAStream() throws Exception {
        try (LocalForwarder forwarder = LocalForwarder.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> client.openStream(fx.ticket("dev-1", fx.echo.target())))) {
            for (int round = 0; round < 2; round++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), forwarder.localAddress().getPort())) {
                    byte[] data = randomBytes(1024 * 1024 + round, 20 + round);
                    Thread writer = new Thread(() -> {
                        try {
                            OutputStream out = socket.getOutputStream();
                            out.write(data);
                            out.flush();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    writer.start();
                    byte[] back = new byte[data.length];
                    socket.setSoTimeout(15_000);
                    new DataInputStream(socket.getInputStream()).readFully(back);
                    writer.join();
                    assertThat(back).isEqualTo(data);
                }
            }
            eventually(() -> fx.events.count("closed ") == 2);
        }
    }

    @Test
    void localForwarderClosesTheConnectionWhenTheStreamIsRefused() throws Exception {
        try (LocalForwarder forwarder = LocalForwarder.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> client.openStream(fx.ticket("dev-1", new LanTarget("127.0.0.1", 1))));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), forwarder.localAddress().getPort())) {
            socket.setSoTimeout(15_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    private static void assertError(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Channel>> open,
            TunnelError expected) {
        assertThatThrownBy(() -> await(open.get()))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }
}
