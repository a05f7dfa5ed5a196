package dev.gangway.tunnel;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An HTTP proxy the agent ({@link TunnelClient.Builder#proxy}) or a stream client
 * ({@link StreamClient#connect(java.net.InetSocketAddress, io.netty.handler.ssl.SslContext, ProxySettings)}) reaches
 * the relay through with {@code CONNECT}; Basic authentication when a user name is given. {@link #toString()} never
 * shows the password.
 *
 * @param address  the proxy's host and port (may be unresolved: it is resolved when dialling)
 * @param username user name for Basic authentication, or null for a proxy without authentication
 * @param password the password for {@code username}; required when a user name is given
 */
public record ProxySettings(InetSocketAddress address, String username, String password) {

    public ProxySettings {
        Objects.requireNonNull(address, "proxy address");
        if (username != null && username.isEmpty()) {
            username = null;
        }
        if (username != null && password == null) {
            throw new IllegalArgumentException("proxy user '" + username + "' needs a password");
        }
        if (username == null) {
            password = null;
        }
    }

    /** A proxy without authentication. */
    public static ProxySettings unauthenticated(InetSocketAddress address) {
        return new ProxySettings(address, null, null);
    }

    /** {@code host:port} of the proxy, as users write it. */
    public String where() {
        return address.getHostString() + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "HTTP proxy " + where() + (username == null ? "" : " (user " + username + ", password hidden)");
    }
}
