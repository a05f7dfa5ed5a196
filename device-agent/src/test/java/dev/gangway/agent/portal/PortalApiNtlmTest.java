package dev.gangway.agent.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.agent.ConnectProxy;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The portal calls reach an https portal through an NTLM proxy by way of the loopback bridge. */
class PortalApiNtlmTest {

    private ConnectProxy proxy;
    private ServerSocket hangUp;

    @BeforeEach
    void setUp() throws IOException {
        proxy = new ConnectProxy("FACTORY", "gangway", "s3cret");
        // The "portal" hangs up at once, so TLS fails after the tunnel: enough to see the authenticated CONNECT.
        hangUp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread closer = new Thread(() -> {
            while (!hangUp.isClosed()) {
                try {
                    hangUp.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-hang-up");
        closer.setDaemon(true);
        closer.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        hangUp.close();
    }

    private PortalApi api(String base, String password) {
        return new PortalApi(URI.create(base), Duration.ofSeconds(5), Duration.ofSeconds(5), "test",
                Optional.of(ProxySettings.ntlm(proxy.address(), "FACTORY", "gangway", password)));
    }

    @Test
    void anHttpsPortalIsReachedWithAnNtlmAuthenticatedConnect() {
        String https = "https://127.0.0.1:" + hangUp.getLocalPort();
        assertThatThrownBy(() -> api(https, "s3cret").relay("dev-1")).isInstanceOf(PortalException.class);
        assertThat(proxy.ntlmVerdicts).isNotEmpty().containsOnly(true); // the JDK may retry once
        assertThat(proxy.requests).contains("CONNECT 127.0.0.1:" + hangUp.getLocalPort() + " HTTP/1.1");
        assertThat(proxy.authorizations).allSatisfy(a -> assertThat(a).startsWith("NTLM "));
    }

    @Test
    void wrongNtlmCredentialsAreNamed() {
        String https = "https://127.0.0.1:" + hangUp.getLocalPort();
        assertThatThrownBy(() -> api(https, "wrong").relay("dev-1"))
                .isInstanceOf(PortalException.class)
                .hasMessageContaining("refused the NTLM credentials of FACTORY\\gangway (407)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
    }

    @Test
    void aPlainHttpPortalIsRefusedWithTheReason() {
        assertThatThrownBy(() -> api("http://127.0.0.1:" + hangUp.getLocalPort(), "s3cret").relay("dev-1"))
                .isInstanceOf(PortalException.class)
                .hasMessageStartingWith("with an NTLM proxy the portal address must be https");
        assertThat(proxy.requests).isEmpty();
    }
}
