package dev.gangway.client.portal;

import dev.gangway.client.ClientException;
import java.net.InetSocketAddress;

/** Parses {@code --proxy HOST:PORT}. */
public final class ProxyAddress {

    private ProxyAddress() {
    }

    /**
     * Parses {@code host:port} ({@code [v6]:port} for IPv6); the name stays unresolved (the client needs no DNS
     * of its own behind a proxy).
     *
     * @throws ClientException (exit code 2) naming the problem
     */
    public static InetSocketAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        String example = "host:port like proxy.example:3128";
        if (colon <= 0 || colon == t.length() - 1 || t.contains("/")) {
            throw ClientException.usage("--proxy '" + text + "' is not " + example);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw ClientException.usage("--proxy '" + text + "' is not " + example + " (write IPv6 as [::1]:3128)");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw ClientException.usage("--proxy '" + text + "' has no port; it must be " + example);
        }
        if (port < 1 || port > 65535 || host.isBlank()) {
            throw ClientException.usage("--proxy '" + text + "' is not " + example);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
