package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A portal's or client's connection to a relay ({@link TunnelProtocol#ALPN_STREAM_CLIENT}), multiplexing
 * ticketed streams. Channels it returns behave as those of {@link RelayServer#openStream(String)}.
 */
public final class StreamClient implements AutoCloseable {

    private StreamClient() {
    }

    /** Connects and completes the TLS and HTTP/2 handshakes. */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Opens a stream; fails with a {@link TunnelException} naming the relay's or agent's refusal. */
    public CompletableFuture<Channel> openStream(String ticketToken) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
