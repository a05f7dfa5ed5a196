package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's overload control for reconnect storms: at most {@code max} TLS handshakes in progress at once. A
 * connection that arrives while the limit is reached is closed at once, before any TLS work (its agent backs off with
 * jitter and comes back), so that the relay spends its CPU on handshakes that can still finish within their timeout
 * instead of on a backlog of connections whose agents already gave up.
 *
 * <h2>Lifecycle</h2> One per relay. {@link #admit} for each accepted connection; a slot admitted is released exactly
 * once, when its handshake completes (either way) or its connection closes, whichever comes first.
 *
 * <h2>Threading</h2> Thread-safe (event loops of all connections). Refusals are logged at most once per 10 s.
 */
final class HandshakeLimit {

    private static final Logger log = LoggerFactory.getLogger(HandshakeLimit.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int max;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    HandshakeLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the handshake limit must be at least 1, was " + max);
        }
        this.max = max;
    }

    /**
     * Takes a slot for {@code channel}'s handshake, released when {@code handshake} completes or the channel closes;
     * false (and nothing held) if {@code max} handshakes are in progress: the caller closes the connection.
     */
    boolean admit(Channel channel, Future<Channel> handshake) {
        if (inProgress.incrementAndGet() > max) {
            inProgress.decrementAndGet();
            refused(channel);
            return false;
        }
        Slot slot = new Slot(channel);
        handshake.addListener(slot);
        channel.closeFuture().addListener(slot);
        return true;
    }

    /** Handshakes in progress now (tests, diagnostics). */
    int inProgress() {
        return inProgress.get();
    }

    /**
     * One admitted handshake's slot: released by whichever of its two futures completes first, both on the channel's
     * event loop; it then unhooks itself from the close future, so an idle connection keeps nothing of it.
     */
    private final class Slot implements GenericFutureListener<Future<Object>> {
        private final Channel channel;
        private boolean released;

        Slot(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void operationComplete(Future<Object> future) {
            if (released) {
                return;
            }
            released = true;
            inProgress.decrementAndGet();
            channel.closeFuture().removeListener(this);
        }
    }

    private void refused(Channel channel) {
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            log.warn("relay busy: {} TLS handshakes in progress, the most it runs at once; closed {} new connection(s)"
                    + " before TLS in the last 10 s (latest from {}); their agents retry after a backoff", max, refused,
                    channel.remoteAddress());
        }
    }
}
