package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keepalive handler on a channel whose clock the test moves: when PINGs go out, what they carry, who is told. */
class KeepaliveTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private EmbeddedChannel channel;

    private final Keepalive.Listener listener = new Keepalive.Listener() {
        @Override
        public void answered(Duration silence) {
            events.add("answered " + silence.toSeconds());
        }

        @Override
        public void lostWhileWaiting(Duration silence, boolean timedOut) {
            events.add("lost " + silence.toSeconds() + (timedOut ? " timed out" : " closed"));
        }
    };

    private Keepalive install(Keepalive keepalive) {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(keepalive);
        return keepalive;
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    private Http2PingFrame sentPing() {
        Object out = channel.readOutbound();
        assertThat(out).isInstanceOf(Http2PingFrame.class);
        assertThat(channel.<Object>readOutbound()).isNull();
        return (Http2PingFrame) out;
    }

    private static Object announcement(long millis) {
        return new DefaultHttp2PingFrame(Keepalive.PING_MAGIC << 32 | millis);
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theAgentAnnouncesItsIntervalInEachPingAndHearsTheAnswer() {
        Keepalive keepalive = install(Keepalive.announcing(Duration.ofSeconds(120), Duration.ofSeconds(20),
                reason -> events.add("dead " + reason), listener));

        advance(119);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(1);
        Http2PingFrame ping = sentPing();
        assertThat(ping.ack()).isFalse();
        assertThat(ping.content()).isEqualTo(0x67776b61L << 32 | 120_000);

        channel.writeInbound(new DefaultHttp2PingFrame(ping.content(), true)); // the ack is consumed here
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(events).containsExactly("answered 120");

        // a longer interval from now on: the next PING comes after it and announces it
        keepalive.interval(Duration.ofSeconds(150));
        advance(149);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(1);
        assertThat(sentPing().content() & 0xffff_ffffL).isEqualTo(150_000);
        assertThat(keepalive.idleTime()).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void anyFrameReadPutsTheNextPingOff() {
        install(Keepalive.announcing(Duration.ofSeconds(120), Duration.ofSeconds(20), reason -> { }, listener));
        advance(100);
        channel.writeInbound(new DefaultHttp2SettingsFrame(new Http2Settings()));
        assertThat(channel.<Object>readInbound()).isNotNull(); // passed on
        advance(100);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(20);
        sentPing();
        assertThat(events).isEmpty();
    }

    @Test
    void noAnswerWithinTheTimeoutDeclaresThePeerDeadAndClosesTheConnection() {
        install(Keepalive.announcing(Duration.ofSeconds(120), Duration.ofSeconds(20),
                reason -> events.add("dead " + reason), listener));
        advance(120);
        sentPing();
        advance(19);
        assertThat(channel.isActive()).isTrue();
        advance(1);
        assertThat(events).containsExactly("dead no answer to keepalive within 20000 ms", "lost 120 timed out");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aConnectionCutWhileThePingIsOutIsReportedOnce() {
        install(Keepalive.announcing(Duration.ofSeconds(60), Duration.ofSeconds(20), reason -> { }, listener));
        advance(60);
        sentPing();
        channel.close();
        advance(60);
        assertThat(events).containsExactly("lost 60 closed");
    }

    @Test
    void theRelayWaitsOneAndAHalfTimesTheAgentsAnnouncedInterval() {
        Keepalive watchdog = install(Keepalive.watchdog(Duration.ofSeconds(25), Duration.ofSeconds(10), reason -> { }));
        // before the agent announced anything: its own interval
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofSeconds(25));

        watchdog.peerAnnounced(Duration.ofSeconds(120)); // the agent-info header
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofSeconds(180));
        advance(179);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(1);
        Http2PingFrame ping = sentPing();
        assertThat(ping.content() >>> 32).isNotEqualTo(Keepalive.PING_MAGIC); // the relay announces nothing

        // the agent's PING says 60 s from now on (passed on: the codec answers PINGs)
        channel.writeInbound(announcement(60_000));
        assertThat(channel.<Object>readInbound()).isInstanceOf(Http2PingFrame.class);
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofSeconds(90));
        advance(89);
        assertThat(channel.<Object>readOutbound()).isNull();
        advance(1);
        sentPing();
    }

    @Test
    void theRelayNeverWaitsLessThanItsOwnIntervalNorLongerThanTheCap() {
        Keepalive watchdog = install(Keepalive.watchdog(Duration.ofSeconds(25), Duration.ofSeconds(10), reason -> { }));
        watchdog.peerAnnounced(Duration.ofSeconds(5));
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofSeconds(25));
        channel.writeInbound(announcement(0xffff_ffffL)); // 49 days
        channel.<Object>readInbound();
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofMinutes(15));
        watchdog.peerAnnounced(Duration.ZERO);
        assertThat(watchdog.idleTime()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aPlainKeepaliveIgnoresAnnouncements() {
        Keepalive plain = install(Keepalive.plain(Duration.ofSeconds(30), Duration.ofSeconds(10), reason -> { }));
        channel.writeInbound(announcement(120_000));
        channel.<Object>readInbound();
        assertThat(plain.idleTime()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theAgentInfoHeaderIsDigitsOfMillisecondsOrIgnored() {
        assertThat(AgentInfoRequest.keepaliveOf("120000")).isEqualTo(Duration.ofSeconds(120));
        assertThat(AgentInfoRequest.keepaliveOf(null)).isNull();
        assertThat(AgentInfoRequest.keepaliveOf("")).isNull();
        assertThat(AgentInfoRequest.keepaliveOf("0")).isNull();
        assertThat(AgentInfoRequest.keepaliveOf("-5")).isNull();
        assertThat(AgentInfoRequest.keepaliveOf("12e4")).isNull();
        assertThat(AgentInfoRequest.keepaliveOf("99999999999")).isNull();
    }
}
