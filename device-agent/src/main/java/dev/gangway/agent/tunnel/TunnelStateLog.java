package dev.gangway.agent.tunnel;

import dev.gangway.tunnel.TunnelClient.State;
import dev.gangway.tunnel.TunnelError;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the tunnel's state changes into the log lines an operator (and the end-to-end tests) wait for:
 * {@code tunnel connected to relay host:port}, {@code tunnel lost: ...}, {@code tunnel closed}, {@code no tunnel: remote
 * access disabled on site ...} (key switch off), and an ERROR when
 * the relay refuses this device's certificate. (The tunnel itself logs each attempt and the retry delay.)
 */
final class TunnelStateLog implements Consumer<State> {

    private static final Logger log = LoggerFactory.getLogger("dev.gangway.agent.tunnel");

    private final Supplier<Object> relay;
    private final Supplier<TunnelError> lastError;
    private State previous = State.INITIAL;
    private int failedAttempts;

    TunnelStateLog(Supplier<Object> relay, Supplier<TunnelError> lastError) {
        this.relay = relay;
        this.lastError = lastError;
    }

    @Override
    public synchronized void accept(State state) {
        State from = previous;
        previous = state;
        switch (state) {
            case CONNECTED -> {
                failedAttempts = 0;
                log.info("tunnel connected to relay {}", relay.get());
            }
            case DRAINING -> log.info("relay {} is moving this device elsewhere; live streams finish first", relay.get());
            case BACKOFF -> backoff(from);
            case CLOSED -> log.info("tunnel closed");
            case DISABLED -> log.info("no tunnel: remote access disabled on site (key switch off); nothing is dialled "
                    + "until the switch is on");
            default -> log.debug("tunnel state {}", state);
        }
    }

    private void backoff(State from) {
        TunnelError error = lastError.get();
        if (error == TunnelError.REVOKED || error == TunnelError.UNKNOWN_DEVICE) {
            failedAttempts++;
            log.error("the relay {} refused this device's certificate ({}): this device must be registered again "
                    + "with a new activation key ('register --force'); retrying anyway", relay.get(),
                    error.description());
            return;
        }
        String why = error == null ? "connection to relay " + relay.get() + " ended" : error.description();
        if (from == State.CONNECTED || from == State.DRAINING) {
            log.info("tunnel lost: {}, retrying", why);
        } else {
            failedAttempts++;
            // the tunnel logs every attempt with its cause and delay; say it loudly only now and then
            String cause = error == null ? "no connection" : error.description();
            if (failedAttempts == 1 || failedAttempts % 10 == 0) {
                log.warn("cannot open the tunnel to relay {} (attempt {}): {}, retrying", relay.get(), failedAttempts,
                        cause);
            } else {
                log.debug("cannot open the tunnel to relay {} (attempt {}): {}", relay.get(), failedAttempts, cause);
            }
        }
    }
}
