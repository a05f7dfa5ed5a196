package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's side of the alarm poll, on an embedded stream: what it answers to every kind of request. */
class AlarmsAnswerTest {

    private static final Duration HOLD = Duration.ofSeconds(60);
    private EmbeddedChannel stream;

    @AfterEach
    void tearDown() {
        if (stream != null) {
            stream.finishAndReleaseAll();
        }
    }

    private void open(AlarmSource source) {
        AgentStreamHandler.Context context = new AgentStreamHandler.Context(target -> { }, () -> "{}",
                Duration.ofSeconds(1), Runnable::run, () -> { }, source, HOLD, new LanStreams(java.time.Clock.systemUTC()),
                () -> Duration.ofSeconds(120));
        stream = new EmbeddedChannel(new AgentStreamHandler(context));
        stream.freezeTime();
    }

    private void request(String path, String version) {
        Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("https").authority("agent").path(path);
        if (version != null) {
            headers.set(TunnelProtocol.HEADER_VERSION, version);
        }
        stream.writeInbound(new DefaultHttp2HeadersFrame(headers, true));
    }

    private Http2HeadersFrame answerHeaders() {
        Object out = stream.readOutbound();
        assertThat(out).isInstanceOf(Http2HeadersFrame.class);
        return (Http2HeadersFrame) out;
    }

    private List<Alarm> answerAlarms() {
        Http2HeadersFrame headers = answerHeaders();
        assertThat(headers.headers().status().toString()).isEqualTo("200");
        Http2DataFrame data = stream.readOutbound();
        try {
            assertThat(data.isEndStream()).isTrue();
            return AlarmsJson.parse(ByteBufUtil.getBytes(data.content()));
        } finally {
            data.release();
        }
    }

    @Test
    void withoutAnAlarmSourceTheAnswerIsNotFound() {
        open(null);
        request("/gangway/v1/alarms?ack=0", "1");

        Http2HeadersFrame answer = answerHeaders();
        assertThat(answer.headers().status().toString()).isEqualTo("404");
        assertThat(answer.isEndStream()).isTrue();
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void malformedAcknowledgementsAndVersionsAreRefused() {
        for (String path : List.of("/gangway/v1/alarms", "/gangway/v1/alarms?", "/gangway/v1/alarms?ack=",
                "/gangway/v1/alarms?ack=-1", "/gangway/v1/alarms?ack=01", "/gangway/v1/alarms?ack=1x",
                "/gangway/v1/alarms?ack=1&more=2", "/gangway/v1/alarms?ACK=1", "/gangway/v1/alarms?ack=+1",
                "/gangway/v1/alarms?ack=99999999999999999999", "/gangway/v1/alarms?ack=9223372036854775808")) {
            open((ack, wait) -> CompletableFuture.completedFuture(List.of()));
            request(path, "1");
            Http2HeadersFrame answer = answerHeaders();
            assertThat(answer.headers().status().toString()).as(path).isEqualTo("400");
            assertThat(answer.headers().get(TunnelProtocol.HEADER_ERROR).toString()).isEqualTo("PROTOCOL");
            stream.finishAndReleaseAll();
        }
        open((ack, wait) -> CompletableFuture.completedFuture(List.of()));
        request("/gangway/v1/alarms?ack=0", "2");
        assertThat(answerHeaders().headers().get(TunnelProtocol.HEADER_ERROR).toString())
                .isEqualTo("UNSUPPORTED_VERSION");
    }

    @Test
    void answersTheAlarmsAfterTheAcknowledgementInOrderAtMostOneHundred() {
        List<Alarm> queued = new ArrayList<>();
        for (int i = 150; i >= 1; i--) {
            queued.add(AlarmsJsonTest.alarm(i, "s" + i, "t"));
        }
        AtomicReference<Long> asked = new AtomicReference<>();
        open((ack, wait) -> {
            asked.set(ack);
            return CompletableFuture.completedFuture(queued);
        });

        request("/gangway/v1/alarms?ack=9223372036854775806", "1");
        assertThat(asked.get()).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(answerAlarms()).isEmpty();
        stream.finishAndReleaseAll();

        open((ack, wait) -> CompletableFuture.completedFuture(queued));
        request("/gangway/v1/alarms?ack=10", "1");
        List<Alarm> sent = answerAlarms();
        assertThat(sent).hasSize(100);
        assertThat(sent).extracting(Alarm::sequence).startsWith(11L, 12L).endsWith(110L).isSorted();
    }

    @Test
    void withNothingToSendTheHoldEndsInAnEmptyAnswerAndCancelsTheWait() {
        CompletableFuture<List<Alarm>> pending = new CompletableFuture<>();
        open((ack, wait) -> {
            assertThat(wait).isEqualTo(HOLD);
            return pending;
        });
        request("/gangway/v1/alarms?ack=3", "1");
        assertThat((Object) stream.readOutbound()).isNull();

        stream.advanceTimeBy(HOLD.toSeconds(), TimeUnit.SECONDS);
        stream.runScheduledPendingTasks();

        assertThat(answerAlarms()).isEmpty();
        assertThat(pending).isCancelled();
    }

    @Test
    void alarmsThatArriveDuringTheHoldAreAnsweredAtOnce() {
        CompletableFuture<List<Alarm>> pending = new CompletableFuture<>();
        open((ack, wait) -> pending);
        request("/gangway/v1/alarms?ack=0", "1");

        Alarm alarm = AlarmsJsonTest.alarm(1, "Pump 3", "too hot");
        pending.complete(List.of(alarm));
        stream.runPendingTasks();

        assertThat(answerAlarms()).containsExactly(alarm);
    }

    @Test
    void aFailingSourceAnswersInternalError() {
        open((ack, wait) -> CompletableFuture.failedFuture(new java.io.IOException("disk gone")));
        request("/gangway/v1/alarms?ack=0", "1");
        stream.runPendingTasks();
        Http2HeadersFrame answer = answerHeaders();
        assertThat(answer.headers().status().toString()).isEqualTo("500");
        stream.finishAndReleaseAll();

        open((ack, wait) -> {
            throw new IllegalStateException("bug");
        });
        request("/gangway/v1/alarms?ack=0", "1");
        stream.runPendingTasks();
        assertThat(answerHeaders().headers().status().toString()).isEqualTo("500");
    }

    @Test
    void aStreamClosedByTheRelayCancelsTheWait() {
        CompletableFuture<List<Alarm>> pending = new CompletableFuture<>();
        open((ack, wait) -> pending);
        request("/gangway/v1/alarms?ack=0", "1");

        stream.close();

        assertThat(pending).isCancelled();
    }
}
