package dev.gangway.portal.hmiproxy;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the HMI proxy ({@code gangway.hmi.*}). Every HMI session is served at
 * {@code <scheme>://<session-id>.<base-domain>:<public-port>/}.
 *
 * @param port TCP port the HMI proxy listens on (0 picks a free port, for tests)
 * @param bindAddress address the HMI proxy listens on
 * @param baseDomain the domain under which each session gets its own host name; in production a registrable
 *     domain of its own (e.g. {@code hmi.example.com}) with a wildcard DNS record
 * @param scheme {@code http}, or {@code https} when a TLS reverse proxy terminates in front of the HMI proxy
 *     (cookies then get {@code Secure})
 * @param publicPort the port browsers see in HMI URLs; unset means {@link #port} (set it to 443 behind a TLS proxy)
 * @param sessionIdleTimeout an HMI session with no request and no open connection for this long ends
 * @param sessionAbsoluteTimeout an HMI session ends this long after it was opened, whatever happens
 * @param entryTokenLifetime how long the one-time entry link stays valid after "Open"
 * @param maxConnectionsPerSession browser connections one HMI session may hold at once
 * @param maxHeaderSize bytes allowed for a request's header block
 * @param requestHeadTimeout how long a connection may take to deliver a complete request head (also the idle time
 *     after which a keep-alive connection without a request is closed); upgraded WebSockets have no such limit
 * @param relayTimeout how long opening a stream to the device may take before the browser gets 504
 * @param maxSessionsPerUser HMI sessions one user may hold; opening one more ends that user's oldest session
 */
@ConfigurationProperties("gangway.hmi")
public record HmiProxySettings(
        @DefaultValue("8081") int port,
        @DefaultValue("0.0.0.0") String bindAddress,
        @DefaultValue("hmi.localhost") String baseDomain,
        @DefaultValue("http") String scheme,
        Integer publicPort,
        @DefaultValue("30m") Duration sessionIdleTimeout,
        @DefaultValue("12h") Duration sessionAbsoluteTimeout,
        @DefaultValue("60s") Duration entryTokenLifetime,
        @DefaultValue("32") int maxConnectionsPerSession,
        @DefaultValue("16384") int maxHeaderSize,
        @DefaultValue("20s") Duration requestHeadTimeout,
        @DefaultValue("30s") Duration relayTimeout,
        @DefaultValue("16") int maxSessionsPerUser) {

    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,200}$)" + LABEL + "(\\." + LABEL + ")*");

    public HmiProxySettings {
        if (port < 0 || port > 65535) {
            throw invalid("port", port + " is outside 0-65535");
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw invalid("bind-address",
                    "is empty: use 0.0.0.0 for all interfaces or 127.0.0.1 for this machine only");
        }
        if (baseDomain == null || !DOMAIN.matcher(baseDomain.toLowerCase(Locale.ROOT)).matches()) {
            throw invalid("base-domain", "'" + baseDomain + "' is not a DNS name: use letters, digits, '-' and '.',"
                    + " no leading dot, e.g. hmi.example.com");
        }
        baseDomain = baseDomain.toLowerCase(Locale.ROOT);
        scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("scheme", "'" + scheme + "' is neither http nor https");
        }
        if (publicPort != null && (publicPort < 1 || publicPort > 65535)) {
            throw invalid("public-port", publicPort + " is outside 1-65535 (leave it unset to use the port)");
        }
        requirePositive("session-idle-timeout", sessionIdleTimeout);
        requirePositive("session-absolute-timeout", sessionAbsoluteTimeout);
        requirePositive("entry-token-lifetime", entryTokenLifetime);
        requirePositive("request-head-timeout", requestHeadTimeout);
        requirePositive("relay-timeout", relayTimeout);
        if (maxConnectionsPerSession < 1) {
            throw invalid("max-connections-per-session", maxConnectionsPerSession + " must be at least 1");
        }
        if (maxHeaderSize < 1024 || maxHeaderSize > 1024 * 1024) {
            throw invalid("max-header-size", maxHeaderSize + " is outside 1024-1048576 bytes");
        }
        if (maxSessionsPerUser < 1) {
            throw invalid("max-sessions-per-user", maxSessionsPerUser + " must be at least 1");
        }
    }

    /** The defaults, as Spring would bind them with no properties set. */
    static HmiProxySettings defaults() {
        return new HmiProxySettings(8081, "0.0.0.0", "hmi.localhost", "http", null, Duration.ofMinutes(30),
                Duration.ofHours(12), Duration.ofSeconds(60), 32, 16384, Duration.ofSeconds(20),
                Duration.ofSeconds(30), 16);
    }

    boolean secure() {
        return scheme.equals("https");
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(name, "must be a positive duration such as 30s, 30m or 12h");
        }
    }

    private static IllegalArgumentException invalid(String name, String problem) {
        return new IllegalArgumentException("gangway.hmi." + name + ": " + problem);
    }
}
