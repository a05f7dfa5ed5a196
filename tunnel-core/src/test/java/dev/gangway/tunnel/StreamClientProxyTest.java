package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stream client reaches the relay through an HTTP CONNECT proxy. */
class StreamClientProxyTest {

    private TunnelFixture fx;
    private ConnectProxy proxy;
    private TestPki.Issued alice;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> b.requireBoundTickets(true));
        fx.onlineAgent("dev-1");
        proxy = new ConnectProxy("client", "s3cret");
        fx.closeables.add(proxy);
        alice = fx.pki.client("alice", Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private CompletableFuture<StreamClient> connect(ProxySettings settings) {
        return StreamClient.connect(fx.relayAddress(), TunnelTls.forStreamClient(alice.key(), alice.chain(), fx.pki.trust()),
                settings);
    }

    private String boundTicket() {
        return Tickets.sign(new StreamTicket(java.util.UUID.randomUUID().toString(), "acme", "alice", "dev-1",
                fx.echo.target(), java.time.Instant.now().plusSeconds(60), Tickets.fingerprint(alice.certificate())),
                fx.ticketKeys.getPrivate());
    }

    @Test
    void streamsFlowThroughTheProxyWithBasicAuth() throws Exception {
        // unresolved, as read from a command line: the client resolves it when connecting
        InetSocketAddress byName = InetSocketAddress.createUnresolved("localhost", proxy.address().getPort());
        StreamClient client = connect(new ProxySettings(byName, "client", "s3cret")).get(10, TimeUnit.SECONDS);
        fx.closeables.add(client);

        assertThat(proxy.requests).singleElement().asString()
                .startsWith("CONNECT " + fx.relayAddress().getHostString() + ":" + fx.relayAddress().getPort() + " ");
        Channel stream = await(client.openStream(boundTicket()));
        byte[] data = randomBytes(256 * 1024, 11);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
    }

    @Test
    void aSharedGroupWorksThroughTheProxyToo() throws Exception {
        EventLoopGroup group = Transport.newGroup(1, "test-shared");
        try {
            StreamClient client = StreamClient.connect(fx.relayAddress(),
                    TunnelTls.forStreamClient(alice.key(), alice.chain(), fx.pki.trust()), group,
                    new ProxySettings(proxy.address(), "client", "s3cret")).get(10, TimeUnit.SECONDS);
            await(client.openStream(boundTicket())).close();
            client.close();
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void noProxySettingsMeansDirect() throws Exception {
        StreamClient client = connect(null).get(10, TimeUnit.SECONDS);
        fx.closeables.add(client);
        await(client.openStream(boundTicket())).close();
        assertThat(proxy.requests).isEmpty();
    }

    @Test
    void wrongCredentialsAreRefusedInPlainWords() {
        assertThatThrownBy(() -> connect(new ProxySettings(proxy.address(), "client", "wrong")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e).hasMessage("the HTTP proxy " + proxy.address().getHostString() + ":"
                            + proxy.address().getPort() + " refused the credentials (407) of user 'client';"
                            + " check the proxy user name and password");
                    assertThat(e.getMessage()).doesNotContain("wrong");
                });
    }

    @Test
    void missingCredentialsAreNamed() {
        assertThatThrownBy(() -> connect(ProxySettings.unauthenticated(proxy.address())).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e.getMessage()).contains("asks for credentials (407)");
                });
    }

    @Test
    void anUnreachableProxyIsNamed() throws Exception {
        InetSocketAddress nothing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = new InetSocketAddress(InetAddress.getLoopbackAddress(), closed.getLocalPort());
        }
        InetSocketAddress where = nothing;
        assertThatThrownBy(() -> connect(new ProxySettings(where, "client", "s3cret")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e.getMessage()).startsWith("cannot reach the HTTP proxy " + where.getHostString() + ":"
                            + where.getPort() + ": ");
                });
    }

    @Test
    void anUnknownProxyHostIsNamed() {
        ProxySettings unknown = new ProxySettings(InetSocketAddress.createUnresolved("no-such-proxy.invalid", 3128),
                "client", "s3cret");
        assertThatThrownBy(() -> connect(unknown).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e).hasMessage("cannot find the HTTP proxy no-such-proxy.invalid:3128: unknown host");
                });
    }
}
