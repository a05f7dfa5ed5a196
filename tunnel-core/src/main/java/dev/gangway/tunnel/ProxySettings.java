package dev.gangway.tunnel;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP proxy the agent ({@link TunnelClient.Builder#proxy}) or a stream client
 * ({@link StreamClient#connect(java.net.InetSocketAddress, io.netty.handler.ssl.SslContext, ProxySettings)}) reaches
 * the relay through with {@code CONNECT}: without authentication, with Basic, or with NTLM (NTLMv2 only, never LM or
 * NTLMv1; see {@link NtlmProxyHandler}). Immutable. {@link #toString()} never shows the password.
 *
 * @param address     the proxy's host and port (may be unresolved: it is resolved when dialling)
 * @param scheme      how to authenticate; {@link Scheme#NONE} exactly when there is no user name
 * @param domain      the Windows domain of the user for NTLM ("" when none); null/"" for Basic
 * @param workstation the workstation name NTLM sends ("" when none)
 * @param username    user name, or null for a proxy without authentication
 * @param password    the password for {@code username}; required when a user name is given
 */
public record ProxySettings(InetSocketAddress address, Scheme scheme, String domain, String workstation,
        String username, String password) {

    /** How the client authenticates to the proxy. */
    public enum Scheme {
        /** No credentials: the proxy lets the CONNECT through or answers 407. */
        NONE,
        /** {@code Proxy-Authorization: Basic} with the user name and password. */
        BASIC,
        /** NTLM handshake (negotiate, challenge, NTLMv2 authenticate) on one TCP connection. */
        NTLM;

        /** "basic" or "ntlm" (as users write it) to a scheme; null for anything else. */
        public static Scheme parse(String text) {
            if (text == null) {
                return null;
            }
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "basic" -> BASIC;
                case "ntlm" -> NTLM;
                default -> null;
            };
        }
    }

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
            if (scheme == Scheme.NTLM) {
                throw new IllegalArgumentException("NTLM proxy authentication needs a user name");
            }
            scheme = Scheme.NONE;
        } else if (scheme == null || scheme == Scheme.NONE) {
            scheme = Scheme.BASIC;
        }
        domain = domain == null ? "" : domain.trim();
        workstation = workstation == null ? "" : workstation.trim();
        if (scheme != Scheme.NTLM) {
            domain = "";
            workstation = "";
        }
    }

    /** A proxy with Basic authentication when {@code username} is given, else without authentication. */
    public ProxySettings(InetSocketAddress address, String username, String password) {
        this(address, username == null || username.isEmpty() ? Scheme.NONE : Scheme.BASIC, null, null, username,
                password);
    }

    /** A proxy without authentication. */
    public static ProxySettings unauthenticated(InetSocketAddress address) {
        return new ProxySettings(address, null, null);
    }

    /** A proxy with NTLM authentication as <code>domain&#92;username</code> (domain may be empty), no workstation name. */
    public static ProxySettings ntlm(InetSocketAddress address, String domain, String username, String password) {
        return new ProxySettings(address, Scheme.NTLM, domain, null, username, password);
    }

    /** {@code host:port} of the proxy, as users write it. */
    public String where() {
        return address.getHostString() + ":" + address.getPort();
    }

    /** The user as the proxy sees it: <code>DOMAIN&#92;user</code> for NTLM with a domain, else the user name. */
    public String account() {
        if (username == null) {
            return "";
        }
        return scheme == Scheme.NTLM && !domain.isEmpty() ? domain + "\\" + username : username;
    }

    /** A new Netty handler for one connection's {@code CONNECT} to the proxy at {@code resolved}. */
    io.netty.handler.proxy.ProxyHandler newHandler(InetSocketAddress resolved) {
        return switch (scheme) {
            case NONE -> new io.netty.handler.proxy.HttpProxyHandler(resolved);
            case BASIC -> new io.netty.handler.proxy.HttpProxyHandler(resolved, username, password);
            case NTLM -> new NtlmProxyHandler(resolved, this);
        };
    }

    @Override
    public String toString() {
        return switch (scheme) {
            case NONE -> "HTTP proxy " + where();
            case BASIC -> "HTTP proxy " + where() + " (user " + username + ", password hidden)";
            case NTLM -> "HTTP proxy " + where() + " (NTLM as " + account() + ", password hidden)";
        };
    }
}
