package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The agent's state machine without a relay: every attempt fails, transitions are checked. */
class TunnelClientStateTest {

    private final TestPki pki = new TestPki("State CA");
    private final TestPki.Issued device = pki.device("dev-1");

    @Test
    void failedAttemptsBackOffAndCloseEndsEverything() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<TunnelClient.State> states = new CopyOnWriteArrayList<>();
        TunnelClient client = builder()
                .relayLocator(() -> {
                    throw new IllegalStateException("access server unreachable");
                })
                .clock(Clock.fixed(t0, ZoneOffset.UTC))
                .stateListener(states::add)
                .build();
        assertThat(client.state()).isEqualTo(TunnelClient.State.INITIAL);
        client.start();
        TunnelFixture.eventually(() -> states.stream().filter(s -> s == TunnelClient.State.BACKOFF).count() >= 3);
        assertThat(states).startsWith(TunnelClient.State.CONNECTING, TunnelClient.State.BACKOFF, TunnelClient.State.CONNECTING)
                .doesNotContain(TunnelClient.State.CONNECTED);
        assertThat(client.stateSince()).isEqualTo(t0);

        client.close();
        assertThat(client.state()).isEqualTo(TunnelClient.State.CLOSED);
        assertThat(states).endsWith(TunnelClient.State.CLOSED);
        assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
    }

    @Test
    void startingTwiceIsRefused() {
        TunnelClient client = builder().relayLocator(() -> {
            throw new IllegalStateException("no relay");
        }).build();
        try {
            client.start();
            assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(() -> TunnelClient.builder().build()).hasMessageContaining("relayLocator");
        assertThatThrownBy(() -> TunnelClient.builder().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("below the minimum");
    }

    private TunnelClient.Builder builder() {
        return TunnelClient.builder()
                .sslContext(TunnelTls.forAgent(device.key(), device.chain(), pki.trust()))
                .targetPolicy(t -> { })
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40));
    }
}
