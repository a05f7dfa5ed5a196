package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent reaches the relay through an HTTP CONNECT proxy. */
class ProxyTunnelTest {

    private TunnelFixture fx;
    private ConnectProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> { });
        proxy = new ConnectProxy("agent", "s3cret");
        fx.closeables.add(proxy);
        fx.knownDevices.add("dev-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private TunnelClient agentThrough(ProxySettings settings) {
        return fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(fx.echo.target()))
                .proxy(settings));
    }

    @Test
    void tunnelComesUpThroughTheProxyWithBasicAuth() throws Exception {
        // unresolved, as read from a configuration file: the client resolves it for each attempt
        InetSocketAddress byName = InetSocketAddress.createUnresolved("localhost", proxy.address().getPort());
        TunnelClient agent = agentThrough(new ProxySettings(byName, "agent", "s3cret"));
        eventually(() -> fx.relay.isOnline("dev-1"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(proxy.requests).first().asString()
                .startsWith("CONNECT " + fx.relayAddress().getHostString() + ":" + fx.relayAddress().getPort() + " ");

        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(256 * 1024, 7);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
    }

    @Test
    void wrongCredentialsGiveAClearErrorAndNoTunnel() {
        TunnelClient agent = agentThrough(new ProxySettings(proxy.address(), "agent", "wrong"));
        eventually(() -> agent.lastFailure() != null);
        assertThat(agent.lastError()).isEqualTo(TunnelError.PROXY_REFUSED);
        assertThat(agent.lastFailure()).hasMessage("the HTTP proxy " + proxy.address().getHostString() + ":"
                + proxy.address().getPort() + " refused the credentials (407) of user 'agent';"
                + " check the proxy user name and password");
        assertThat(agent.lastFailure().getMessage()).doesNotContain("wrong");
        // It keeps trying with backoff, and never gets through.
        eventually(() -> proxy.requests.size() >= 3);
        assertThat(fx.relay.isOnline("dev-1")).isFalse();
        assertThat(agent.state()).isNotEqualTo(TunnelClient.State.CONNECTED);
    }

    @Test
    void missingCredentialsAreNamed() {
        TunnelClient agent = agentThrough(ProxySettings.unauthenticated(proxy.address()));
        eventually(() -> agent.lastFailure() != null);
        assertThat(agent.lastFailure().getMessage()).contains("asks for credentials (407)");
        assertThat(proxy.authorizations).isEmpty();
    }

    @Test
    void unreachableProxyIsReported() throws Exception {
        InetSocketAddress nothing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = new InetSocketAddress(InetAddress.getLoopbackAddress(), closed.getLocalPort());
        }
        TunnelClient agent = agentThrough(new ProxySettings(nothing, "agent", "s3cret"));
        eventually(Duration.ofSeconds(10), () -> agent.lastFailure() != null);
        assertThat(agent.lastError()).isEqualTo(TunnelError.PROXY_REFUSED);
        assertThat(agent.lastFailure().getMessage()).startsWith("cannot reach the HTTP proxy " + nothing.getHostString()
                + ":" + nothing.getPort() + ": ");
    }

    @Test
    void otherRefusalsNameTheStatusAndTheRelay() {
        ProxySettings settings = new ProxySettings(InetSocketAddress.createUnresolved("198.18.0.9", 3128), "a", "b");
        TunnelException e = ProxyFailure.describe(settings, "relay.example:443",
                new io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException(
                        "http, basic, 198.18.0.9:3128 => relay.example:443, status: 403 Forbidden", null));
        assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
        assertThat(e).hasMessage("the HTTP proxy 198.18.0.9:3128 refused to connect to the relay relay.example:443"
                + " (403 Forbidden)");
    }

    @Test
    void anUnknownProxyHostIsNamed() {
        TunnelClient agent = agentThrough(new ProxySettings(
                InetSocketAddress.createUnresolved("no-such-proxy.invalid", 3128), "agent", "s3cret"));
        eventually(() -> agent.lastFailure() != null);
        assertThat(agent.lastFailure()).hasMessage("cannot find the HTTP proxy no-such-proxy.invalid:3128: unknown host");
    }

    @Test
    void settingsNeverShowThePassword() {
        assertThat(new ProxySettings(proxy.address(), "agent", "s3cret").toString()).doesNotContain("s3cret")
                .contains("agent");
    }
}
