package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The primitives of on-demand devices with a real relay and a real {@link TunnelClient} on loopback: the agent hangs
 * up with a reason ({@link TunnelClient#suspend}), the relay sends it offline ({@code SENT_OFFLINE}), and the agent
 * counts its LAN streams for its idle timeout.
 */
class OnDemandTunnelTest {

    private static final String DEVICE = "dev-ondemand";

    private TunnelFixture fx;
    private final AtomicInteger lookups = new AtomicInteger();
    /** Each state change with the client's lastError() as the listener saw it. */
    private final List<String> states = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> { });
        fx.knownDevices.add(DEVICE);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private TunnelClient.Builder builder() {
        return fx.agentBuilder(fx.pki.device(DEVICE), TunnelFixture.allowOnly(fx.echo.target()))
                .relayLocator(() -> {
                    lookups.incrementAndGet();
                    return fx.relayAddress();
                });
    }

    private TunnelClient online(TunnelClient.Builder builder) {
        TunnelClient[] holder = new TunnelClient[1];
        builder.stateListener(s -> states.add(s + " " + (holder[0] == null ? null : holder[0].lastError())));
        holder[0] = builder.build();
        fx.closeables.add(holder[0]);
        holder[0].start();
        eventually(() -> fx.relay.isOnline(DEVICE));
        return holder[0];
    }

    @Test
    void suspendNamesIdleTimeoutToTheRelayAndEnableDialsAgain() {
        TunnelClient agent = online(builder());

        agent.suspend(TunnelError.IDLE_TIMEOUT);

        eventually(() -> fx.events.log.contains("down " + DEVICE + " on-demand tunnel idle; hung up"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);
        assertThat(fx.relay.isOnline(DEVICE)).isFalse();
        assertThat(agent.lastError()).isNull();
        assertThat(lookups).hasValue(1);
        agent.suspend(TunnelError.IDLE_TIMEOUT); // already suspended: nothing happens
        assertThat(states).filteredOn(s -> s.startsWith("DISABLED")).hasSize(1);

        agent.enable();

        eventually(() -> fx.relay.isOnline(DEVICE));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(fx.events.count("up " + DEVICE)).isEqualTo(2);
        assertThat(lookups).hasValue(2);
    }

    @Test
    void disableIsSuspendForTheSiteKeySwitch() {
        TunnelClient agent = online(builder());

        agent.disable();

        eventually(() -> fx.events.log.contains("down " + DEVICE + " remote access disabled on site"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);
        assertThatThrownBy(() -> agent.suspend(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sentOfflineByTheRelayStaysOfflineUntilEnabled() {
        TunnelClient agent = online(builder());

        fx.relay.disconnect(DEVICE, TunnelError.SENT_OFFLINE);

        eventually(() -> agent.state() == TunnelClient.State.DISABLED);
        // the listener was told, and could already read why
        assertThat(states).contains("DISABLED SENT_OFFLINE");
        assertThat(agent.lastError()).isEqualTo(TunnelError.SENT_OFFLINE);
        assertThat(agent.lastFailure()).hasMessageContaining("sent offline by the portal");
        eventually(() -> fx.events.log.contains("down " + DEVICE + " disconnected: sent offline by the portal"));
        // DISABLED is left only through enable(): no backoff, no new attempt, no relay lookup
        assertThat(states).noneMatch(s -> s.startsWith("BACKOFF"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);
        assertThat(lookups).hasValue(1);

        agent.enable();

        eventually(() -> fx.relay.isOnline(DEVICE));
        assertThat(agent.lastError()).isNull();
        assertThat(fx.events.count("up " + DEVICE)).isEqualTo(2);
    }

    @Test
    void onlyLanStreamsCountAndTheirOpeningAndClosingAreActivity() throws Exception {
        Instant created = Instant.parse("2026-11-26T08:00:00Z");
        SettableClock clock = new SettableClock(created);
        MemoryAlarmQueue alarms = new MemoryAlarmQueue();
        TunnelClient.Builder builder = builder().clock(clock).alarmSource(alarms);
        assertThat(builder.build()).satisfies(unstarted -> {
            assertThat(unstarted.openStreams()).isZero();
            assertThat(unstarted.lastStreamActivity()).isEqualTo(created);
            unstarted.close();
        });

        Instant admitted = created.plusSeconds(10);
        clock.now = admitted;
        TunnelClient agent = online(builder);
        // the relay's agent-info request and its held alarm poll are open now, and are not LAN streams
        eventually(() -> !alarms.acks.isEmpty());
        assertThat(agent.openStreams()).isZero();
        assertThat(agent.lastStreamActivity()).isEqualTo(admitted);

        Instant opened = created.plusSeconds(20);
        clock.now = opened;
        Channel first = TunnelFixture.await(fx.relay.openStream(fx.ticket(DEVICE, fx.echo.target())));
        assertThat(agent.openStreams()).isEqualTo(1);
        assertThat(agent.lastStreamActivity()).isEqualTo(opened);
        Channel second = TunnelFixture.await(fx.relay.openStream(fx.ticket(DEVICE, fx.echo.target())));
        assertThat(agent.openStreams()).isEqualTo(2);

        Instant closed = created.plusSeconds(30);
        clock.now = closed;
        first.close();
        eventually(() -> agent.openStreams() == 1);
        assertThat(agent.lastStreamActivity()).isEqualTo(closed);
        second.close();
        eventually(() -> agent.openStreams() == 0);

        // a refused stream is activity too (a user tried), and leaves nothing counted
        Instant refused = created.plusSeconds(40);
        clock.now = refused;
        assertThatThrownBy(() -> TunnelFixture.await(fx.relay.openStream(
                fx.ticket(DEVICE, new LanTarget("198.18.0.99", 502))))).hasRootCauseInstanceOf(TunnelException.class);
        eventually(() -> agent.openStreams() == 0 && agent.lastStreamActivity().equals(refused));
    }

    /** A clock the test moves by hand. */
    private static final class SettableClock extends Clock {
        volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
