package dev.gangway.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An on-demand device: no tunnel while idle; a wake-up SMS (or a queued alarm) makes it dial in, and it hangs up after
 * {@code idleTimeout} without a stream.
 *
 * @param idleTimeout how long the tunnel stays up without an open stream
 */
public record OnDemandConfig(Duration idleTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public OnDemandConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }
}
