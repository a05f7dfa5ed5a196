package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alarms through the tunnel, with a real relay and a real {@link TunnelClient} (or a {@link ScriptedAgent} for answers
 * a real agent never gives): order, acknowledgement only after the listener's stage, re-delivery after failures and
 * tunnel cuts, and hostile answers that end only their own poll.
 */
class AlarmTunnelTest {

    private static final String DEVICE = "dev-alarms";

    private TunnelFixture fx;
    private final Recorder recorder = new Recorder();

    /** The access server's side: every delivery as it came, and what it stored (de-duplicated by alarm id). */
    private final class Recorder implements TunnelListener {
        final List<Alarm> received = new CopyOnWriteArrayList<>();
        final Map<String, Integer> stored = new ConcurrentHashMap<>();
        final List<String> devices = new CopyOnWriteArrayList<>();
        volatile Function<List<Alarm>, CompletionStage<Void>> store = alarms -> CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> alarmsReceived(DeviceIdentity device, List<Alarm> alarms) {
            devices.add(device.deviceId());
            received.addAll(alarms);
            return store.apply(alarms).thenRun(() -> alarms.forEach(a -> stored.merge(a.id(), 1, Integer::sum)));
        }

        @Override
        public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
            fx.events.tunnelUp(device, remote, agentInfo);
        }

        @Override
        public void tunnelDown(DeviceIdentity device, String reason) {
            fx.events.tunnelDown(device, reason);
        }

        long timesReceived(Alarm alarm) {
            return received.stream().filter(a -> a.id().equals(alarm.id())).count();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> b.listener(recorder)
                .alarmTiming(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(500)));
        fx.knownDevices.add(DEVICE);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private TunnelClient agent(MemoryAlarmQueue queue) {
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device(DEVICE), TunnelFixture.allowOnly(fx.echo.target()))
                .alarmSource(queue));
        eventually(() -> fx.relay.isOnline(DEVICE));
        return agent;
    }

    private io.netty.handler.ssl.SslContext deviceTls() {
        TestPki.Issued device = fx.pki.device(DEVICE);
        return TunnelTls.forAgent(device.key(), device.chain(), fx.pki.trust());
    }

    @Test
    void alarmsArriveInOrderAndTheAcknowledgementEmptiesTheQueue() throws Exception {
        MemoryAlarmQueue queue = new MemoryAlarmQueue();
        Alarm first = queue.add("one");
        queue.add("two");
        queue.add("three");

        agent(queue);
        eventually(() -> recorder.received.size() == 3);
        queue.add("four");
        Alarm last = queue.add("five");
        eventually(() -> recorder.received.size() == 5);

        assertThat(recorder.received).extracting(Alarm::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(recorder.received).extracting(Alarm::subject).containsExactly("one", "two", "three", "four", "five");
        assertThat(recorder.received.get(0)).isEqualTo(first);
        assertThat(recorder.devices).containsOnly(DEVICE);
        eventually(() -> queue.acks.contains(last.sequence()) && queue.queued().isEmpty());
        assertThat(queue.acks.get(0)).isZero();
        assertThat(queue.acks).isSorted();
        // the poll never got in the way of the tunnel's real work
        Collector.assertEchoWorks(fx, DEVICE);
    }

    @Test
    void aFailedListenerStageIsDeliveredAgainWithTheOldAcknowledgement() throws Exception {
        MemoryAlarmQueue queue = new MemoryAlarmQueue();
        queue.add("one");
        queue.add("two");
        CompletableFuture<Void> fails = CompletableFuture.failedFuture(new IllegalStateException("database down"));
        recorder.store = alarms -> recorder.received.size() <= 2 ? fails : CompletableFuture.completedFuture(null);

        agent(queue);
        eventually(() -> queue.queued().isEmpty());

        assertThat(recorder.received).extracting(Alarm::sequence).containsExactly(1L, 2L, 1L, 2L);
        assertThat(queue.acks.subList(0, 3)).containsExactly(0L, 0L, 2L);
        assertThat(recorder.stored).hasSize(2).containsValues(1, 1);
    }

    @Test
    void aListenerThatThrowsOrNeverFinishesIsAskedAgain() throws Exception {
        MemoryAlarmQueue queue = new MemoryAlarmQueue();
        queue.add("one");
        recorder.store = alarms -> {
            if (recorder.received.size() == 1) {
                throw new IllegalStateException("bug in the listener");
            }
            if (recorder.received.size() == 2) {
                return new CompletableFuture<>(); // never completes: the relay gives up after its listener timeout
            }
            return CompletableFuture.completedFuture(null);
        };

        agent(queue);
        eventually(() -> queue.queued().isEmpty());

        assertThat(recorder.received).extracting(Alarm::sequence).containsExactly(1L, 1L, 1L);
        assertThat(queue.acks.subList(0, 4)).containsExactly(0L, 0L, 0L, 1L);
        assertThat(fx.relay.isOnline(DEVICE)).isTrue();
    }

    @Test
    void alarmsQueuedWhileTheTunnelIsDownArriveExactlyOnceAfterReconnect() throws Exception {
        MemoryAlarmQueue queue = new MemoryAlarmQueue();
        TunnelClient agent = agent(queue);
        Alarm before = queue.add("before the cut");
        eventually(() -> queue.queued().isEmpty());

        agent.disable();
        eventually(() -> !fx.relay.isOnline(DEVICE));
        List<Alarm> during = List.of(queue.add("during 1"), queue.add("during 2"), queue.add("during 3"));
        agent.enable();
        eventually(() -> fx.relay.isOnline(DEVICE));
        eventually(() -> queue.queued().isEmpty());

        assertThat(recorder.received).extracting(Alarm::subject)
                .containsExactly("before the cut", "during 1", "during 2", "during 3");
        assertThat(recorder.timesReceived(before)).isEqualTo(1);
        for (Alarm alarm : during) {
            assertThat(recorder.timesReceived(alarm)).as(alarm.subject()).isEqualTo(1);
        }
    }

    @Test
    void aTunnelCutWhileTheListenerIsStoringDeliversAgainAndTheIdsDeduplicate() throws Exception {
        MemoryAlarmQueue queue = new MemoryAlarmQueue();
        List<Alarm> alarms = List.of(queue.add("one"), queue.add("two"));
        CompletableFuture<Void> storing = new CompletableFuture<>();
        recorder.store = batch -> recorder.received.size() <= 2 ? storing : CompletableFuture.completedFuture(null);
        TunnelClient agent = agent(queue);
        eventually(() -> recorder.received.size() == 2);

        agent.disable(); // the tunnel goes while the access server is still storing: the ack is never sent
        eventually(() -> !fx.relay.isOnline(DEVICE));
        storing.complete(null);
        assertThat(queue.queued()).hasSize(2);
        agent.enable();
        eventually(() -> queue.queued().isEmpty());

        for (Alarm alarm : alarms) {
            assertThat(recorder.timesReceived(alarm)).isEqualTo(2);
            assertThat(recorder.stored.get(alarm.id())).as("stored once per id").isEqualTo(2);
        }
        assertThat(recorder.stored).hasSize(2);
    }

    @Test
    void hostileAnswersEndOnlyTheirOwnPoll() throws Exception {
        String valid = "{\"alarms\":[{\"id\":\"a-1\",\"sequence\":1,\"raisedAt\":\"2026-11-26T10:15:30Z\","
                + "\"source\":\"smtp\",\"from\":\"plc@lan\",\"subject\":\"Pump 3\",\"text\":\"too hot\"}]}";
        try (ScriptedAgent agent = new ScriptedAgent()) {
            agent.then(ctx -> ScriptedAgent.flood(ctx, 18))                                    // over 1 MiB
                    .then(ctx -> ScriptedAgent.ok(ctx, "hello"))                              // not JSON
                    .then(ctx -> ScriptedAgent.ok(ctx, new byte[] {'{', (byte) 0xC3, '}'}))   // not UTF-8
                    .then(ctx -> ScriptedAgent.ok(ctx, "[".repeat(200_000)))                   // too deep
                    .then(ctx -> ScriptedAgent.ok(ctx, valid.replace("\"sequence\":1", "\"sequence\":-1")))
                    .then(ctx -> ScriptedAgent.ok(ctx, valid.replace("Pump 3", "x".repeat(201))))
                    .then(ctx -> ScriptedAgent.status(ctx, "200"))                            // no body
                    .then(ctx -> ScriptedAgent.status(ctx, "500"))
                    .then(ScriptedAgent::reset)
                    .then(ctx -> { })                                                         // never answers
                    .then(ctx -> ScriptedAgent.ok(ctx, valid));
            agent.connect(fx.relayAddress(), deviceTls());
            eventually(() -> recorder.received.size() == 1);
            eventually(() -> agent.polls.size() == 12);

            assertThat(recorder.received.get(0).subject()).isEqualTo("Pump 3");
            assertThat(agent.polls.subList(0, 11)).containsOnly(TunnelProtocol.PATH_ALARMS + "?ack=0");
            assertThat(agent.polls.get(11)).isEqualTo(TunnelProtocol.PATH_ALARMS + "?ack=1");
            assertThat(fx.relay.isOnline(DEVICE)).isTrue();
            assertThat(fx.events.count("down")).isZero();
        }
    }

    @Test
    void anAgentWithoutAlarmsIsNotAskedAgain() throws Exception {
        try (ScriptedAgent agent = new ScriptedAgent()) {
            agent.then(ctx -> ScriptedAgent.status(ctx, "404"));
            agent.connect(fx.relayAddress(), deviceTls());
            eventually(() -> agent.polls.size() == 1);

            // many retry delays later, still one poll (a failure would have been retried every 50 ms)
            Thread.sleep(1000);
            assertThat(agent.polls).hasSize(1);
            assertThat(fx.relay.isOnline(DEVICE)).isTrue();
            // and the tunnel let go of its poller (an idle relay holds thousands of tunnels)
            assertThat(fx.relay.pollsAlarms(DEVICE)).isFalse();
        }
    }

    @Test
    void aRealAgentWithoutAnAlarmSourceAnswersNotFound() throws Exception {
        fx.onlineAgent(DEVICE);
        // the relay's first poll was answered 404: streams still work and the listener heard of no alarms
        Collector.assertEchoWorks(fx, DEVICE);
        assertThat(recorder.received).isEmpty();
        eventually(() -> !fx.relay.pollsAlarms(DEVICE));
    }

    /** A stream through the tunnel to the echo server still works. */
    private static final class Collector {
        static void assertEchoWorks(TunnelFixture fx, String device) throws Exception {
            io.netty.channel.Channel stream = TunnelFixture.await(fx.relay.openStream(fx.ticket(device, fx.echo.target())));
            byte[] data = TunnelFixture.randomBytes(10_000, 1);
            assertThat(TunnelFixture.echoRoundTrip(stream, data)).isEqualTo(data);
            stream.close();
        }
    }
}
