package dev.gangway.portal.desktop.guacd;

import java.time.Duration;
import java.util.Objects;

/**
 * Where guacd is and how it reaches the portal's one-shot splice.
 *
 * @param host guacd's host name or address ({@code gangway.desktop.guacd.host}); blank: guacd is not used
 * @param port guacd's port ({@code gangway.desktop.guacd.port}, 4822)
 * @param spliceBind the address the portal listens on for guacd's connection to the LAN service
 *     ({@code gangway.desktop.guacd.splice-bind}): {@code 127.0.0.1} when guacd runs on the portal's host; in
 *     docker-compose, where guacd is another container, an address of the portal's container ({@code 0.0.0.0}: the
 *     listener accepts only guacd's own address anyway)
 * @param spliceHost the name or address guacd connects to ({@code gangway.desktop.guacd.splice-host}): the portal
 *     as guacd sees it ({@code portal} in docker-compose); blank: the bind address
 * @param timeout connecting to guacd, its handshake, and guacd's silence during a session (guacd sends a
 *     {@code nop} every few seconds)
 */
public record GuacdSettings(String host, int port, String spliceBind, String spliceHost, Duration timeout) {

    public GuacdSettings {
        Objects.requireNonNull(timeout, "timeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("gangway.desktop.guacd.port: " + port + " is outside 1-65535");
        }
        spliceBind = spliceBind == null || spliceBind.isBlank() ? "127.0.0.1" : spliceBind.strip();
        spliceHost = spliceHost == null || spliceHost.isBlank() ? null : spliceHost.strip();
        if (spliceHost == null) {
            if (spliceBind.equals("0.0.0.0") || spliceBind.equals("::")) {
                throw new IllegalArgumentException("gangway.desktop.guacd.splice-host: needed when splice-bind is "
                        + spliceBind + " (the name guacd uses to reach the portal, e.g. portal)");
            }
            spliceHost = spliceBind;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("guacd timeout must be positive, not " + timeout);
        }
    }

    /** guacd at {@code host:port}, splice on loopback, 15 s timeout (as guacamole-common's own socket). */
    public static GuacdSettings of(String host, int port) {
        return new GuacdSettings(host, port, null, null, Duration.ofSeconds(15));
    }

    /** Whether a guacd host is configured. */
    public boolean isSet() {
        return host != null && !host.isBlank();
    }
}
