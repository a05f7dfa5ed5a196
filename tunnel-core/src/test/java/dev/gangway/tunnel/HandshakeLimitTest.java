package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's cap on TLS handshakes in progress (overload control for reconnect storms). */
class HandshakeLimitTest {

    private TunnelFixture fx;

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aSlotIsHeldUntilTheHandshakeEndsOrTheConnectionClosesAndReleasedOnce() {
        HandshakeLimit limit = new HandshakeLimit(1);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        Promise<io.netty.channel.Channel> firstHandshake = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
        Promise<io.netty.channel.Channel> secondHandshake = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);

        assertThat(limit.admit(first, firstHandshake)).isTrue();
        assertThat(limit.admit(second, secondHandshake)).as("beyond the limit").isFalse();
        assertThat(limit.inProgress()).isEqualTo(1);

        firstHandshake.setSuccess(null);
        first.close();
        assertThat(limit.inProgress()).as("released once, not twice").isZero();

        assertThat(limit.admit(second, secondHandshake)).isTrue();
        second.close();
        secondHandshake.setFailure(new IllegalStateException("closed"));
        assertThat(limit.inProgress()).isZero();
    }

    @Test
    void aLimitBelowOneIsRefusedWithItsName() {
        assertThatThrownBy(() -> RelayServer.builder().maxHandshakes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHandshakes");
    }

    @Test
    void aConnectionBeyondTheLimitIsClosedBeforeTlsAndItsAgentComesBackOnceASlotIsFree() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> b.maxHandshakes(1).handshakeTimeout(Duration.ofMinutes(5)));
        List<TunnelClient.State> states = new CopyOnWriteArrayList<>();
        try (Socket silent = new Socket(fx.relayAddress().getAddress(), fx.relayAddress().getPort())) {
            // a client that never says hello holds the only slot
            eventually(() -> fx.relay.handshakesInProgress() == 1);
            fx.knownDevices.add("dev-1");
            fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(fx.echo.target()))
                    .stateListener(states::add));
            eventually(() -> states.stream().filter(s -> s == TunnelClient.State.BACKOFF).count() >= 2);
            assertThat(fx.relay.isOnline("dev-1")).isFalse();
            assertThat(fx.relay.handshakesInProgress()).isEqualTo(1);
        }
        eventually(() -> fx.relay.isOnline("dev-1"));
        eventually(() -> fx.relay.handshakesInProgress() == 0);
    }
}
