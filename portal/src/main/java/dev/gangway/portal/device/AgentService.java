package dev.gangway.portal.device;

import java.util.Set;

/**
 * A LAN service the device agent's configuration allows, as reported in its agent info.
 *
 * @param name the service's name, unique per device ({@code hmi})
 * @param kind {@code http}, {@code https}, {@code vnc}, {@code rdp} or {@code tcp}
 * @param host LAN host of the service
 * @param port TCP port of the service
 */
public record AgentService(String name, String kind, String host, int port) {

    static final Set<String> KINDS = Set.of("http", "https", "vnc", "rdp", "tcp");

    /**
     * Whether the portal opens this service in the browser through the HMI proxy. HTTPS-only panels are not
     * opened yet: the agent does not originate TLS to the LAN until the per-service TLS policy (verify,
     * pinned fingerprint, or an audited "insecure") exists, and sending plain HTTP to a TLS port only fails.
     */
    public boolean isWeb() {
        return "http".equals(kind);
    }

    /** An HTTPS web HMI, listed but not yet opened in the browser (see {@link #isWeb()}). */
    public boolean isHttpsWeb() {
        return "https".equals(kind);
    }
}
