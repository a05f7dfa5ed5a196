package dev.gangway.agent.config;

import dev.gangway.tunnel.LanTarget;
import java.util.Locale;
import java.util.Objects;

/**
 * One LAN service the site allows through the tunnel.
 *
 * @param name unique, {@code [a-z0-9-]{1,32}}
 * @param kind what it speaks
 * @param host a host name or IP address on the machine's LAN, as configured (matched case-insensitively)
 * @param port TCP port, 1-65535
 */
public record ServiceConfig(String name, ServiceKind kind, String host, int port) {

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        host = host.toLowerCase(Locale.ROOT);
    }

    /** The target a tunnel stream must name to reach this service. */
    public LanTarget target() {
        return new LanTarget(host, port);
    }
}
