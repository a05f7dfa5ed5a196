package dev.gangway.tunnel;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's answer to one relay alarm poll ({@code GET /gangway/v1/alarms?ack=N}): asks its {@link AlarmSource}
 * and answers {@code 200 {"alarms":[...]}} when that completes, or with no alarms once the hold time passed; {@code 404}
 * without a source; {@code 400} for a malformed request; {@code 500} when the source failed.
 *
 * <h2>Threading</h2> Created and completed on the stream's event loop; the source's future may complete anywhere.
 * The source's future is cancelled when the hold time passes or the stream closes first.
 */
final class AlarmsAnswer {

    private static final Logger log = LoggerFactory.getLogger(AlarmsAnswer.class);
    private static final Pattern QUERY = Pattern.compile("ack=(0|[1-9][0-9]{0,18})");

    private final ChannelHandlerContext ctx;
    private final long ack;
    private boolean answered;
    private ScheduledFuture<?> hold;

    private AlarmsAnswer(ChannelHandlerContext ctx, long ack) {
        this.ctx = ctx;
        this.ack = ack;
    }

    /** Whether {@code path} is an alarm poll (with or without a query). */
    static boolean matches(CharSequence path) {
        String p = path == null ? "" : path.toString();
        return p.equals(TunnelProtocol.PATH_ALARMS) || p.startsWith(TunnelProtocol.PATH_ALARMS + "?");
    }

    static void serve(ChannelHandlerContext ctx, Http2Headers headers, AlarmSource source, Duration holdTime) {
        CharSequence version = headers.get(TunnelProtocol.HEADER_VERSION);
        if (version == null || !String.valueOf(TunnelProtocol.VERSION).contentEquals(version)) {
            end(ctx, H2.refusal(TunnelError.UNSUPPORTED_VERSION));
            return;
        }
        if (source == null) {
            end(ctx, new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("404"), true));
            return;
        }
        String path = headers.path().toString();
        String query = path.substring(TunnelProtocol.PATH_ALARMS.length());
        long ack;
        try {
            if (!query.startsWith("?") || !QUERY.matcher(query.substring(1)).matches()) {
                throw new NumberFormatException();
            }
            ack = Long.parseLong(query.substring(5));
        } catch (NumberFormatException e) {
            log.info("refused an alarm poll: malformed acknowledgement");
            end(ctx, H2.refusal(TunnelError.PROTOCOL));
            return;
        }
        new AlarmsAnswer(ctx, ack).start(source, holdTime);
    }

    private void start(AlarmSource source, Duration holdTime) {
        CompletableFuture<List<Alarm>> waiting;
        try {
            waiting = source.poll(ack, holdTime);
        } catch (RuntimeException e) {
            log.warn("the alarm queue failed to answer the relay", e);
            fail();
            return;
        }
        if (waiting == null) {
            log.warn("the alarm queue failed to answer the relay: it returned no future");
            fail();
            return;
        }
        hold = ctx.executor().schedule(() -> {
            waiting.cancel(false);
            answer(List.of());
        }, holdTime.toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            hold.cancel(false);
            waiting.cancel(false);
        });
        waiting.whenComplete((alarms, error) -> ctx.executor().execute(() -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) {
                return;
            }
            if (cause != null) {
                if (!answered) {
                    log.warn("the alarm queue failed to answer the relay: {}", RelayConnection.brief(cause));
                }
                fail();
            } else {
                answer(alarms == null ? List.of() : alarms);
            }
        }));
    }

    private void answer(List<Alarm> alarms) {
        if (answered) {
            return;
        }
        answered = true;
        hold.cancel(false);
        List<Alarm> due = alarms.stream().filter(a -> a.sequence() > ack)
                .sorted(Comparator.comparingLong(Alarm::sequence)).distinct().toList();
        AlarmsJson.Encoded encoded = AlarmsJson.encode(due);
        if (encoded.count() > 0) {
            log.debug("sending {} alarm(s) to the relay", encoded.count());
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(H2.STATUS_OK)
                .set("content-type", "application/json"), false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(encoded.body()), true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void fail() {
        if (answered) {
            return;
        }
        answered = true;
        if (hold != null) {
            hold.cancel(false);
        }
        end(ctx, H2.refusal(TunnelError.INTERNAL));
    }

    private static void end(ChannelHandlerContext ctx, DefaultHttp2HeadersFrame frame) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
