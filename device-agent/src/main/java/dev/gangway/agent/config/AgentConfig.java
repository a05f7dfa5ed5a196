package dev.gangway.agent.config;

import dev.gangway.tunnel.ProxySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of {@code run}.
 *
 * @param identity directory written by {@code register}
 * @param portal overrides the portal address saved at registration
 * @param keepalive how long the tunnel may be idle before a PING
 * @param backoffMin first reconnect delay
 * @param backoffMax longest reconnect delay
 * @param services the only LAN targets the tunnel may reach
 * @param proxy the HTTP proxy the tunnel and the relay lookup go through; empty means direct
 */
public record AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
        Duration backoffMax, List<ServiceConfig> services, Optional<ProxySettings> proxy) {

    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(25);
    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);

    public AgentConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffMin.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("backoffMin is longer than backoffMax");
        }
        services = List.copyOf(services);
        Objects.requireNonNull(proxy, "proxy");
    }

    /** Without a proxy. */
    public AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
            Duration backoffMax, List<ServiceConfig> services) {
        this(identity, portal, keepalive, backoffMin, backoffMax, services, Optional.empty());
    }
}
