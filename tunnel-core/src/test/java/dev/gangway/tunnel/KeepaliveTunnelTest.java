package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keepalive between a real agent and a real relay on loopback: the relay learns the agent's interval and
 * leaves the keepalive to it; behind a NAT that forgets idle connections, the agent shortens its interval and the
 * next tunnel stays up.
 */
class KeepaliveTunnelTest {

    private static final String DEVICE = "dev-keepalive";

    private TunnelFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.knownDevices.add(DEVICE);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void theRelayWaitsOneAndAHalfAgentIntervalsButNeverLessThanItsOwn() throws Exception {
        fx.startRelay(b -> b.keepalive(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device(DEVICE), t -> { })
                .keepalive(Duration.ofSeconds(120)));
        eventually(() -> fx.relay.isOnline(DEVICE));

        assertThat(agent.keepaliveInterval()).isEqualTo(Duration.ofSeconds(120));
        assertThat(fx.relay.keepaliveWait(DEVICE)).isEqualTo(Duration.ofSeconds(180));
        agent.close();

        TunnelClient chatty = fx.startAgent(fx.agentBuilder(fx.pki.device(DEVICE), t -> { })
                .keepalive(Duration.ofSeconds(10)));
        eventually(() -> fx.events.count("up " + DEVICE) == 2 && fx.relay.isOnline(DEVICE));
        assertThat(fx.relay.keepaliveWait(DEVICE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void behindANatThatForgetsIdleConnectionsTheAgentShortensItsKeepalive() throws Exception {
        fx.startRelay(b -> b.keepalive(Duration.ofMillis(500), Duration.ofSeconds(2)));
        // the NAT forgets a connection after 3 s without a packet; the agent starts at 4 s
        try (ForgetfulNat nat = new ForgetfulNat(fx.relayAddress(), Duration.ofSeconds(3))) {
            TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device(DEVICE), t -> { })
                    .relayLocator(nat::address)
                    .keepalive(Duration.ofSeconds(4), Duration.ofSeconds(2))
                    .keepaliveFloor(Duration.ofSeconds(1)));
            eventually(() -> fx.relay.isOnline(DEVICE));
            assertThat(fx.relay.keepaliveWait(DEVICE)).isEqualTo(Duration.ofSeconds(6));

            // the first keepalive after 4 s of silence meets a forgotten mapping: reset; the agent halves its interval
            eventually(() -> nat.resets.get() == 1);
            eventually(() -> agent.keepaliveInterval().equals(Duration.ofSeconds(2)));
            eventually(() -> fx.events.count("up " + DEVICE) == 2 && fx.relay.isOnline(DEVICE));
            assertThat(nat.fromAgent).hasSize(2);
            assertThat(fx.relay.keepaliveWait(DEVICE)).isEqualTo(Duration.ofSeconds(3));

            // the new tunnel stays up through several idle keepalives (each one chunk from the agent)
            int sent = nat.fromAgent.get(1).get();
            eventually(Duration.ofSeconds(30), () -> nat.fromAgent.get(1).get() >= sent + 4);
            assertThat(nat.resets).hasValue(1);
            assertThat(nat.fromAgent).hasSize(2);
            assertThat(fx.events.count("up " + DEVICE)).isEqualTo(2);
            assertThat(agent.keepaliveInterval()).isEqualTo(Duration.ofSeconds(2));
        }
    }
}
