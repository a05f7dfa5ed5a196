package dev.gangway.tunnel;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A local TCP listener whose every accepted connection is spliced into a new tunnel stream (like
 * {@code ssh -L}); used by the benchmark and the client.
 */
public final class LocalForwarder implements AutoCloseable {

    private LocalForwarder() {
    }

    /** Listens on {@code bind}; {@code streams} opens one stream per accepted connection. */
    public static LocalForwarder listen(InetSocketAddress bind, Supplier<CompletableFuture<Channel>> streams)
            throws InterruptedException {
        throw new UnsupportedOperationException("TODO");
    }

    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
