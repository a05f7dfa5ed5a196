package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent and a stream client reach the relay through an HTTP proxy that wants NTLM: the test proxy issues a
 * challenge and checks the NTLMv2 proof against the known password.
 */
class NtlmProxyTest {

    private TunnelFixture fx;
    private ConnectProxy proxy;
    private TestPki.Issued alice;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> b.requireBoundTickets(true));
        fx.onlineAgent("dev-1");
        proxy = new ConnectProxy("FACTORY", "gangway", "s3cret");
        fx.closeables.add(proxy);
        alice = fx.pki.client("alice", Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private ProxySettings ntlm(String password) {
        return ProxySettings.ntlm(proxy.address(), "FACTORY", "gangway", password);
    }

    private String where() {
        return proxy.address().getHostString() + ":" + proxy.address().getPort();
    }

    private CompletableFuture<StreamClient> connect(ProxySettings settings) {
        return StreamClient.connect(fx.relayAddress(),
                TunnelTls.forStreamClient(alice.key(), alice.chain(), fx.pki.trust()), settings);
    }

    private String boundTicket() {
        return Tickets.sign(new StreamTicket(java.util.UUID.randomUUID().toString(), "acme", "alice", "dev-1",
                fx.echo.target(), java.time.Instant.now().plusSeconds(60), Tickets.fingerprint(alice.certificate())),
                fx.ticketKeys.getPrivate());
    }

    @Test
    void streamsFlowThroughAnNtlmProxy() throws Exception {
        InetSocketAddress byName = InetSocketAddress.createUnresolved("localhost", proxy.address().getPort());
        StreamClient client = connect(ProxySettings.ntlm(byName, "FACTORY", "gangway", "s3cret"))
                .get(10, TimeUnit.SECONDS);
        fx.closeables.add(client);

        // three CONNECTs on one connection: none, negotiate, authenticate
        assertThat(proxy.requests).hasSize(3).allSatisfy(r -> assertThat(r)
                .startsWith("CONNECT " + fx.relayAddress().getHostString() + ":" + fx.relayAddress().getPort() + " "));
        assertThat(proxy.authorizations).hasSize(2).allSatisfy(a -> assertThat(a).startsWith("NTLM "));
        assertThat(proxy.ntlmVerdicts).containsExactly(true);
        Channel stream = await(client.openStream(boundTicket()));
        byte[] data = randomBytes(256 * 1024, 13);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
    }

    @Test
    void aWrongPasswordIsRefusedInPlainWordsForTheStreamClient() {
        assertThatThrownBy(() -> connect(ntlm("wrong")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e).hasMessage("the HTTP proxy " + where() + " refused the NTLM credentials of"
                            + " FACTORY\\gangway (407); check the proxy domain, user name and password");
                    assertThat(e.getMessage()).doesNotContain("wrong");
                });
        assertThat(proxy.ntlmVerdicts).containsExactly(false);
    }

    @Test
    void theAgentsTunnelComesUpThroughAnNtlmProxy() throws Exception {
        fx.knownDevices.add("dev-2");
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device("dev-2"),
                TunnelFixture.allowOnly(fx.echo.target())).proxy(ntlm("s3cret")));
        eventually(() -> fx.relay.isOnline("dev-2"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(proxy.ntlmVerdicts).containsExactly(true);

        Channel stream = await(fx.relay.openStream(fx.ticket("dev-2", fx.echo.target())));
        byte[] data = randomBytes(64 * 1024, 17);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
    }

    @Test
    void aWrongPasswordGivesTheAgentAClearErrorAndNoTunnel() {
        fx.knownDevices.add("dev-2");
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device("dev-2"),
                TunnelFixture.allowOnly(fx.echo.target())).proxy(ntlm("wrong")));
        eventually(() -> agent.lastFailure() != null);
        assertThat(agent.lastError()).isEqualTo(TunnelError.PROXY_REFUSED);
        assertThat(agent.lastFailure()).hasMessage("the HTTP proxy " + where() + " refused the NTLM credentials of"
                + " FACTORY\\gangway (407); check the proxy domain, user name and password");
        assertThat(fx.relay.isOnline("dev-2")).isFalse();
    }

    @Test
    void aBasicOnlyProxyIsNamedWhenNtlmIsConfigured() throws Exception {
        ConnectProxy basic = new ConnectProxy("client", "s3cret");
        fx.closeables.add(basic);
        assertThatThrownBy(() -> connect(ProxySettings.ntlm(basic.address(), "FACTORY", "client", "s3cret"))
                .get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.PROXY_REFUSED);
                    assertThat(e.getMessage()).contains("does not offer NTLM authentication (it asks for basic)");
                });
    }

    @Test
    void basicAgainstAnNtlmProxySaysToConfigureNtlm() {
        assertThatThrownBy(() -> connect(new ProxySettings(proxy.address(), "gangway", "s3cret"))
                .get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.getMessage())
                        .contains("asks for NTLM authentication (407)"));
    }

    @Test
    void settingsShowTheAccountButNeverThePassword() {
        ProxySettings settings = ntlm("s3cret");
        assertThat(settings.toString()).contains("FACTORY\\gangway").doesNotContain("s3cret");
        assertThat(settings.scheme()).isEqualTo(ProxySettings.Scheme.NTLM);
        assertThatThrownBy(() -> new ProxySettings(proxy.address(), ProxySettings.Scheme.NTLM, "D", null, null, null))
                .hasMessageContaining("needs a user name");
    }
}
