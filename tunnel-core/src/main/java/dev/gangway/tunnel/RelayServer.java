package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The relay: accepts device tunnels and stream requests on one TLS port.
 *
 * <h2>Lifecycle</h2> {@link Builder#start()} binds; {@link #close()} sends GOAWAY to every tunnel and closes.
 *
 * <h2>Streams</h2> {@link #openStream(String)} verifies a ticket and opens a {@code CONNECT} stream on the
 * device's tunnel. The returned channel carries raw {@link io.netty.buffer.ByteBuf}s both ways; its
 * writability follows the stream's HTTP/2 flow-control window; it is auto-read off (call {@code read()}).
 * Closing it resets or ends the stream.
 */
public final class RelayServer implements AutoCloseable {

    private RelayServer() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound address (port 0 in the builder gives a random port). */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("TODO");
    }

    /** In-process stream opening (the portal's embedded relay): verifies the ticket, then as a stream client would. */
    public CompletableFuture<Channel> openStream(String ticketToken) {
        throw new UnsupportedOperationException("TODO");
    }

    public boolean isOnline(String deviceId) {
        throw new UnsupportedOperationException("TODO");
    }

    public Set<String> onlineDevices() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Closes the device's tunnel now (revocation); its streams end. */
    public void disconnect(String deviceId, TunnelError reason) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Asks the device's agent to go elsewhere (GOAWAY); live streams finish, new ones are refused. */
    public void drain(String deviceId) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Builder of a {@link RelayServer}. */
    public static final class Builder {
        private Builder() {
        }

        public Builder bind(InetSocketAddress address) {
            return this;
        }

        public Builder sslContext(SslContext context) {
            return this;
        }

        public Builder deviceAuthorizer(DeviceAuthorizer authorizer) {
            return this;
        }

        /** The access server's Ed25519 public key for verifying tickets. */
        public Builder ticketKey(PublicKey key) {
            return this;
        }

        public Builder listener(TunnelListener listener) {
            return this;
        }

        /** PING interval on idle tunnels and how long to wait for the ack before declaring the peer dead. */
        public Builder keepalive(Duration interval, Duration timeout) {
            return this;
        }

        public Builder maxStreamsPerTunnel(int max) {
            return this;
        }

        public Builder clock(Clock clock) {
            return this;
        }

        public RelayServer start() throws InterruptedException {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
