package dev.gangway.tunnel;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's side of a device tunnel: dials the relay, serves {@code CONNECT} streams to allowed LAN targets,
 * reconnects with jittered exponential backoff.
 *
 * <h2>States</h2> {@code INITIAL → CONNECTING → CONNECTED → (DRAINING) → BACKOFF → CONNECTING ...}, and
 * {@code CLOSED} after {@link #close()}; transitions are checked.
 */
public final class TunnelClient implements AutoCloseable {

    /** Connection state. */
    public enum State { INITIAL, CONNECTING, CONNECTED, DRAINING, BACKOFF, CLOSED }

    /** Where the relay is; asked before every connection attempt (the access server may move the device). */
    @FunctionalInterface
    public interface RelayLocator {
        InetSocketAddress locate() throws Exception;
    }

    private TunnelClient() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts connecting in the background. */
    public void start() {
        throw new UnsupportedOperationException("TODO");
    }

    public State state() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Builder of a {@link TunnelClient}. */
    public static final class Builder {
        private Builder() {
        }

        public Builder relayLocator(RelayLocator locator) {
            return this;
        }

        public Builder sslContext(SslContext context) {
            return this;
        }

        /** The agent's allowlist; every stream's target passes it or is refused and logged. */
        public Builder targetPolicy(TargetPolicy policy) {
            return this;
        }

        /** JSON text answered to the relay's {@link TunnelProtocol#PATH_AGENT_INFO} request. */
        public Builder agentInfo(Supplier<String> agentInfo) {
            return this;
        }

        public Builder keepalive(Duration interval, Duration timeout) {
            return this;
        }

        public Builder backoff(Duration min, Duration max) {
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            return this;
        }

        public Builder clock(Clock clock) {
            return this;
        }

        /** Told of every state change (for logs and a status output). */
        public Builder stateListener(Consumer<State> listener) {
            return this;
        }

        public TunnelClient build() {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
