package dev.gangway.tunnel;

import java.util.Locale;

/** A host and TCP port on the machine's LAN, as the agent's configuration names it. */
public record LanTarget(String host, int port) {

    public LanTarget {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("LAN target host is empty");
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException("LAN target host is longer than 253 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("LAN target port " + port + " is outside 1-65535");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static LanTarget parse(String authority) {
        if (authority == null) {
            throw new IllegalArgumentException("LAN target is missing");
        }
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || colon == authority.length() - 1) {
            throw new IllegalArgumentException("LAN target '" + authority + "' is not host:port");
        }
        String host = authority.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LAN target '" + authority + "' has no numeric port");
        }
        return new LanTarget(host, port);
    }

    /** The {@code host:port} form used as the HTTP/2 {@code :authority}. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
