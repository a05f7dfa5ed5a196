package dev.gangway.client.connect;

import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The relay connection of one client certificate, dialled again when it is gone.
 *
 * <h2>Lifecycle</h2> The first {@link #connection()} dials. While a dial is under way every caller shares it.
 * When the connection is gone the next stream dials again at once; after a failed dial the next one waits a
 * jittered, doubling delay ({@code backoffMin} to {@code backoffMax}), so a relay that is down is not hammered.
 * Only one dial is ever in flight. {@link #drain()} (the certificate was renewed) lets the streams that use the
 * connection finish and then closes it: the link is closed then and {@link #drained()} completes, so its owner can
 * forget it. {@link #close()} closes it now.
 *
 * <h2>Threading</h2> Thread-safe. Nothing blocks the caller: dials start on {@code scheduler}, and connections
 * are closed there (closing one waits for its event loop, which must not happen on an event loop).
 */
final class RelayLink {

    /** A connection to the relay that carries streams. */
    interface Connection {
        CompletableFuture<Channel> openStream(String ticket);

        boolean isActive();

        /** Closes the connection; may block for a few seconds. */
        void close();
    }

    /** Dials the relay. */
    @FunctionalInterface
    interface Dialer {
        CompletableFuture<Connection> dial();
    }

    private final Dialer dialer;
    private final ScheduledExecutorService scheduler;
    private final Duration backoffMin;
    private final Duration backoffMax;

    private CompletableFuture<Connection> current;
    private int failures;
    private long nextDialNanos;
    private int streams;
    private boolean draining;
    private boolean closed;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    RelayLink(Dialer dialer, ScheduledExecutorService scheduler, Duration backoffMin, Duration backoffMax) {
        this.dialer = dialer;
        this.scheduler = scheduler;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
    }

    /** The live connection, or the dial under way, or a new dial (after the backoff delay, if the last one failed). */
    synchronized CompletableFuture<Connection> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE,
                    "the relay connection is closed"));
        }
        if (current != null) {
            if (!current.isDone()) {
                return current;
            }
            Connection c = current.isCompletedExceptionally() ? null : current.join();
            if (c != null && c.isActive()) {
                return current;
            }
            if (c != null) {
                closeLater(c); // gone: release what it still holds (its event loop)
            }
        }
        long delay = Math.max(0, nextDialNanos - System.nanoTime());
        CompletableFuture<Connection> next = new CompletableFuture<>();
        current = next;
        try {
            scheduler.schedule(() -> dial(next), failures == 0 ? 0 : delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            next.completeExceptionally(TunnelException.of(TunnelError.DEVICE_OFFLINE, "the client is stopping"));
        }
        return next;
    }

    private void dial(CompletableFuture<Connection> result) {
        CompletableFuture<Connection> dialled;
        try {
            dialled = dialer.dial();
        } catch (RuntimeException e) {
            dialled = CompletableFuture.failedFuture(e);
        }
        dialled.whenComplete((connection, error) -> {
            boolean closeIt;
            boolean finished = false;
            synchronized (this) {
                if (error == null) {
                    failures = 0;
                } else {
                    failures++;
                    nextDialNanos = System.nanoTime() + backoff(failures).toNanos();
                }
                closeIt = connection != null && closed;
                if (!closed && draining && streams == 0) {
                    closed = true; // drained: this dial's connection is of no more use
                    closeIt = connection != null;
                    finished = true;
                }
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(connection);
            }
            if (finished) {
                closeAndFinish(closeIt ? connection : null);
            } else if (closeIt) {
                closeLater(connection);
            }
        });
    }

    private Duration backoff(int failed) {
        long ceiling = backoffMax.toNanos();
        long delay = backoffMin.toNanos();
        for (int i = 1; i < failed && delay < ceiling; i++) {
            delay = Math.min(ceiling, delay * 2);
        }
        long half = delay / 2;
        return Duration.ofNanos(half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1)));
    }

    /**
     * Opens a stream with the ticket {@code ticket} brings, on this link's connection (dialled meanwhile, if
     * needed). The link stays open, even when draining, until the stream ends.
     */
    CompletableFuture<Channel> open(CompletableFuture<String> ticket) {
        if (!reserve()) {
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE,
                    "the relay connection is closed"));
        }
        return openReserved(ticket);
    }

    /**
     * Counts a stream that is about to open, so that the link stays open for it; false when the link is closed
     * (drained or closed): open the stream elsewhere. Each {@code true} must be followed by one
     * {@link #openReserved}.
     */
    synchronized boolean reserve() {
        if (closed) {
            return false;
        }
        streams++;
        return true;
    }

    /** {@link #open} after a successful {@link #reserve()}. */
    CompletableFuture<Channel> openReserved(CompletableFuture<String> ticket) {
        CompletableFuture<Connection> connection;
        synchronized (this) {
            connection = connection();
        }
        CompletableFuture<Channel> stream = ticket.thenCompose(t -> connection.thenCompose(c -> c.openStream(t)));
        stream.whenComplete((channel, error) -> {
            if (error != null) {
                release();
            } else {
                channel.closeFuture().addListener(f -> release());
            }
        });
        return stream;
    }

    private void release() {
        boolean finished;
        Connection toClose;
        synchronized (this) {
            streams--;
            finished = drainedNow();
            toClose = finished ? liveConnection() : null;
        }
        if (finished) {
            closeAndFinish(toClose);
        }
    }

    /** No new streams will come: close the connection once its streams have ended. */
    void drain() {
        boolean finished;
        Connection toClose;
        synchronized (this) {
            draining = true;
            finished = drainedNow();
            toClose = finished ? liveConnection() : null;
        }
        if (finished) {
            closeAndFinish(toClose);
        }
    }

    /**
     * Whether the link is drained now (draining, no stream, no dial under way; a dial under way finishes it when
     * it completes); if so it is closed from now on. Called holding the lock.
     */
    private boolean drainedNow() {
        if (closed || !draining || streams != 0 || (current != null && !current.isDone())) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Completes once the link drained (its last stream ended, its connection closed) or was closed. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    /** Closes the drained link's connection (on the scheduler), then completes {@link #drained()}. */
    private void closeAndFinish(Connection connection) {
        if (connection == null) {
            drained.complete(null);
            return;
        }
        Runnable closeIt = () -> {
            try {
                connection.close();
            } finally {
                drained.complete(null);
            }
        };
        try {
            scheduler.execute(closeIt);
        } catch (RejectedExecutionException e) {
            closeIt.run();
        }
    }

    /** Streams open (or opening) on this link. */
    synchronized int streams() {
        return streams;
    }

    /** Closes the connection now (blocks for at most a few seconds). */
    void close() {
        Connection toClose;
        synchronized (this) {
            closed = true;
            toClose = liveConnection();
        }
        try {
            if (toClose != null) {
                toClose.close();
            }
        } finally {
            drained.complete(null);
        }
    }

    private Connection liveConnection() {
        if (current == null || !current.isDone() || current.isCompletedExceptionally()) {
            return null;
        }
        return current.join();
    }

    private void closeLater(Connection connection) {
        try {
            scheduler.execute(connection::close);
        } catch (RejectedExecutionException e) {
            connection.close();
        }
    }
}
