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
 * <h2>Lifecycle</h2> Starts when added to an active channel. When nothing was read for the idle time it sends a
 * PING; if nothing at all is read within {@code timeout} after that, the peer is declared dead: {@code onDead} is
 * told why and the connection is closed. Any inbound frame proves the peer alive. One timer per connection, armed
 * for the exact moment the next check is due (no periodic ticking).
 *
 * <h2>Three kinds</h2>
 * <ul>
 *   <li>{@link #plain}: PING after {@code interval} of silence (stream-client connections).</li>
 *   <li>{@link #announcing} (the agent's tunnel): the same, and each PING's 8 bytes of data carry the interval in
 *       force ({@link #PING_MAGIC} in the high half, milliseconds in the low half), so that the relay knows how
 *       long the agent intends to stay silent. The interval may change on a live connection
 *       ({@link #interval(Duration)}); a {@link Listener} hears whether each keepalive PING was answered.</li>
 *   <li>{@link #watchdog} (the relay's side of a device tunnel): once the agent announced its interval (the
 *       {@link TunnelProtocol#HEADER_KEEPALIVE_MS} header on agent-info, then every agent PING), it PINGs only after
 *       {@code max(interval, 1.5 × the agent's)} of silence: the agent's own keepalive keeps the tunnel alive, and
 *       the relay speaks only when the agent missed one. Until then, and for agents that announce nothing, it
 *       behaves as {@link #plain}.</li>
 * </ul>
 *
 * <h2>Probes</h2> {@link #probe(Duration)} sends a PING of its own and completes {@code true} on its ack,
 * {@code false} on timeout or close (used to test whether an existing tunnel is still alive).
 *
 * <h2>Threading and reference counting</h2> Everything runs on the channel's event loop. PING acks are consumed
 * here; every other message passes on untouched. Time comes from the event loop's ticker (tests freeze it).
 */
final class Keepalive extends ChannelDuplexHandler {

    /** High 32 bits of an announcing PING's data: ASCII "gwka". */
    static final long PING_MAGIC = 0x67776b61L;
    /** The longest agent interval a relay believes (a longer announcement counts as this). */
    static final Duration MAX_PEER_INTERVAL = Duration.ofMinutes(10);

    /** What the owner of an {@link #announcing} keepalive hears besides a dead peer. Called on the event loop. */
    interface Listener {
        /**
         * The keepalive PING sent after {@code silence} (the idle time in force) without anything read was answered
         * (something was read).
         */
        void answered(Duration silence);

        /**
         * The connection ended while the keepalive PING sent after {@code silence} was unanswered: {@code timedOut}
         * when its timeout passed (this handler closed the connection), otherwise it was closed or reset first.
         */
        void lostWhileWaiting(Duration silence, boolean timedOut);
    }

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void answered(Duration silence) {
        }

        @Override
        public void lostWhileWaiting(Duration silence, boolean timedOut) {
        }
    };

    private enum Kind { PLAIN, ANNOUNCING, WATCHDOG }

    private final Kind kind;
    private final long timeoutNanos;
    private final Consumer<String> onDead;
    private final Listener listener;
    /** Probes awaiting their ack; null while there are none (a relay holds one keepalive per idle tunnel). */
    private Map<Long, Promise<Boolean>> probes;

    private long intervalNanos;
    /** The peer's announced interval ({@link #watchdog} only), 0 until it announced one. */
    private long peerIntervalNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long lastReadNanos;
    private boolean pingOutstanding;
    private long pingSentNanos;
    /** The idle time in force when the outstanding PING was sent. */
    private long pingSilenceNanos;

    private Keepalive(Kind kind, Duration interval, Duration timeout, Consumer<String> onDead, Listener listener) {
        this.kind = kind;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.onDead = onDead;
        this.listener = listener;
    }

    static Keepalive plain(Duration interval, Duration timeout, Consumer<String> onDead) {
        return new Keepalive(Kind.PLAIN, interval, timeout, onDead, NO_LISTENER);
    }

    static Keepalive announcing(Duration interval, Duration timeout, Consumer<String> onDead, Listener listener) {
        return new Keepalive(Kind.ANNOUNCING, interval, timeout, onDead, listener);
    }

    /** @param interval the least idle time before a PING, whatever the agent announces */
    static Keepalive watchdog(Duration interval, Duration timeout, Consumer<String> onDead) {
        return new Keepalive(Kind.WATCHDOG, interval, timeout, onDead, NO_LISTENER);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastReadNanos = now();
        arm(idleNanos());
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pingOutstanding) {
            pingOutstanding = false;
            listener.lostWhileWaiting(Duration.ofNanos(pingSilenceNanos), false);
        }
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = now();
        if (pingOutstanding) {
            pingOutstanding = false;
            listener.answered(Duration.ofNanos(pingSilenceNanos));
        }
        if (msg instanceof Http2PingFrame ping) {
            if (ping.ack()) {
                Promise<Boolean> probe = probes == null ? null : probes.remove(ping.content());
                if (probe != null) {
                    probe.trySuccess(true);
                }
                return;
            }
            if (kind == Kind.WATCHDOG && (ping.content() >>> 32) == PING_MAGIC) {
                peerAnnounced(Duration.ofMillis(ping.content() & 0xffff_ffffL));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The interval of an announcing keepalive from its next PING on (it is announced in that PING). */
    void interval(Duration interval) {
        intervalNanos = interval.toNanos();
        rearm();
    }

    /** The interval in force: the configured one, or the watchdog's wait once the agent announced its own. */
    Duration idleTime() {
        return Duration.ofNanos(idleNanos());
    }

    /**
     * A watchdog learns the agent's interval (agent-info header or PING data): from now on it waits
     * {@code max(interval, 1.5 × announced)}; the announcement counts as at most {@link #MAX_PEER_INTERVAL}.
     */
    void peerAnnounced(Duration announced) {
        if (kind != Kind.WATCHDOG || announced.isZero() || announced.isNegative()) {
            return;
        }
        long nanos = Math.min(announced.toNanos(), MAX_PEER_INTERVAL.toNanos());
        if (nanos != peerIntervalNanos) {
            peerIntervalNanos = nanos;
            rearm();
        }
    }

    /** Completes {@code true} when the peer acks a PING within {@code timeout}. Call on the channel's event loop. */
    Future<Boolean> probe(Duration timeout) {
        Promise<Boolean> promise = ctx.executor().newPromise();
        if (!ctx.channel().isActive()) {
            promise.setSuccess(false);
            return promise;
        }
        long content = ThreadLocalRandom.current().nextLong();
        if (probes == null) {
            probes = new HashMap<>(4);
        }
        probes.put(content, promise);
        ctx.writeAndFlush(new DefaultHttp2PingFrame(content));
        ScheduledFuture<?> expiry = ctx.executor().schedule(() -> {
            if (probes != null) {
                probes.remove(content);
            }
            promise.trySuccess(false);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        promise.addListener(f -> expiry.cancel(false));
        return promise;
    }

    private long idleNanos() {
        if (kind == Kind.WATCHDOG && peerIntervalNanos > 0) {
            return Math.max(intervalNanos, peerIntervalNanos + peerIntervalNanos / 2);
        }
        return intervalNanos;
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            stop();
            return;
        }
        long now = now();
        if (pingOutstanding) {
            long due = pingSentNanos + timeoutNanos;
            if (now - due >= 0) {
                String reason = "no answer to keepalive within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms";
                pingOutstanding = false;
                stop();
                onDead.accept(reason);
                listener.lostWhileWaiting(Duration.ofNanos(pingSilenceNanos), true);
                ctx.channel().close();
            } else {
                arm(due - now);
            }
            return;
        }
        long due = lastReadNanos + idleNanos();
        if (now - due < 0) {
            arm(due - now);
            return;
        }
        pingOutstanding = true;
        pingSentNanos = now;
        pingSilenceNanos = idleNanos(); // the silence it was meant to bridge (the timer fires a little after it)
        long data = kind == Kind.ANNOUNCING
                ? PING_MAGIC << 32 | Math.min(0xffff_ffffL, TimeUnit.NANOSECONDS.toMillis(intervalNanos))
                : ThreadLocalRandom.current().nextLong();
        ctx.writeAndFlush(new DefaultHttp2PingFrame(data));
        arm(timeoutNanos);
    }

    /** The idle time changed: check again when the new one is due (nothing to do while a PING is out). */
    private void rearm() {
        if (ctx == null || pingOutstanding) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        arm(Math.max(0, lastReadNanos + idleNanos() - now()));
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (probes != null) {
            Map<Long, Promise<Boolean>> pending = probes;
            probes = null;
            for (Promise<Boolean> probe : pending.values()) {
                probe.trySuccess(false);
            }
        }
    }
}
