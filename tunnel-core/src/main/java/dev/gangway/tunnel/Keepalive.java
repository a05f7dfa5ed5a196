package dev.gangway.tunnel;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HTTP/2 keepalive and dead-peer detection; sits right after the frame codec so it sees every inbound frame.
 *
 * <h2>Lifecycle</h2> Starts when added to an active channel. When nothing was read for {@code interval} it
 * sends a PING; if nothing at all is read within {@code timeout} after that, the peer is declared dead:
 * {@code onDead} is told why and the connection is closed. Any inbound frame proves the peer alive.
 *
 * <h2>Probes</h2> {@link #probe(Duration)} sends a PING of its own and completes {@code true} on its ack,
 * {@code false} on timeout or close (used to test whether an existing tunnel is still alive).
 *
 * <h2>Reference counting</h2> PING acks are consumed here; every other message passes on untouched.
 */
final class Keepalive extends ChannelDuplexHandler {

    private final long intervalNanos;
    private final long timeoutNanos;
    private final Consumer<String> onDead;
    private final Map<Long, Promise<Boolean>> probes = new HashMap<>();

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> ticker;
    private long lastReadNanos;
    private long pingSentNanos;

    Keepalive(Duration interval, Duration timeout, Consumer<String> onDead) {
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.onDead = onDead;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastReadNanos = System.nanoTime();
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(intervalNanos, timeoutNanos) / 4);
        ticker = ctx.executor().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        pingSentNanos = 0;
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
            Promise<Boolean> probe = probes.remove(ping.content());
            if (probe != null) {
                probe.trySuccess(true);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Completes {@code true} when the peer acks a PING within {@code timeout}. Call on the channel's event loop. */
    Future<Boolean> probe(Duration timeout) {
        Promise<Boolean> promise = ctx.executor().newPromise();
        if (!ctx.channel().isActive()) {
            promise.setSuccess(false);
            return promise;
        }
        long content = ThreadLocalRandom.current().nextLong();
        probes.put(content, promise);
        ctx.writeAndFlush(new DefaultHttp2PingFrame(content));
        ScheduledFuture<?> expiry = ctx.executor().schedule(() -> {
            probes.remove(content);
            promise.trySuccess(false);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        promise.addListener(f -> expiry.cancel(false));
        return promise;
    }

    private void tick() {
        if (!ctx.channel().isActive()) {
            stop();
            return;
        }
        long now = System.nanoTime();
        if (pingSentNanos != 0) {
            if (now - pingSentNanos >= timeoutNanos) {
                String reason = "no answer to keepalive within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms";
                stop();
                onDead.accept(reason);
                ctx.channel().close();
            }
        } else if (now - lastReadNanos >= intervalNanos) {
            pingSentNanos = now;
            ctx.writeAndFlush(new DefaultHttp2PingFrame(ThreadLocalRandom.current().nextLong()));
        }
    }

    private void stop() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        for (Promise<Boolean> probe : probes.values()) {
            probe.trySuccess(false);
        }
        probes.clear();
    }
}
