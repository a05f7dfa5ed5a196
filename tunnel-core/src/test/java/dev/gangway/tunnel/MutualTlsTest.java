package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SECURITY 5: the relay refuses foreign or expired device certificates; the agent refuses a wrong relay. */
class MutualTlsTest {

    private TunnelFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void agentRefusesARelayFromAnotherCa() throws Exception {
        TestPki foreign = new TestPki("Foreign CA");
        TestPki.Issued impostor = foreign.relay();
        fx.startRelay(b -> b.sslContext(TunnelTls.forRelay(impostor.key(), impostor.chain(), fx.pki.trust())));
        assertNeverAdmitted(fx.pki.device("dev-1"));
    }

    @Test
    void agentRefusesARelayPresentingADeviceCertificate() throws Exception {
        // Same CA, but a clientAuth-only certificate: pinning to the CA alone would accept it, the EKU check does not.
        TestPki.Issued otherDevice = fx.pki.device("evil-device");
        fx.startRelay(b -> b.sslContext(TunnelTls.forRelay(otherDevice.key(), otherDevice.chain(), fx.pki.trust())));
        assertNeverAdmitted(fx.pki.device("dev-1"));
    }

    @Test
    void relayRefusesADeviceCertificateFromAnotherCa() throws Exception {
        fx.startRelay(b -> { });
        TestPki foreign = new TestPki("Foreign CA");
        assertNeverAdmitted(foreign.device("dev-1"));
    }

    @Test
    void relayRefusesAnExpiredDeviceCertificate() throws Exception {
        fx.startRelay(b -> { });
        assertNeverAdmitted(fx.pki.device("dev-1", Duration.ofSeconds(-30)));
    }

    private void assertNeverAdmitted(TestPki.Issued device) {
        fx.knownDevices.add("dev-1");
        List<TunnelClient.State> states = new CopyOnWriteArrayList<>();
        TunnelClient agent = fx.startAgent(fx.agentBuilder(device, t -> { }).stateListener(states::add));
        eventually(() -> states.stream().filter(s -> s == TunnelClient.State.BACKOFF).count() >= 2);
        assertThat(states).doesNotContain(TunnelClient.State.CONNECTED);
        assertThat(fx.relay.isOnline("dev-1")).isFalse();
        assertThat(fx.events.count("up ")).isZero();
        agent.close();
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CLOSED);
    }
}
