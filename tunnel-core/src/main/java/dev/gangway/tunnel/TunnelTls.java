package dev.gangway.tunnel;

import io.netty.handler.ssl.SslContext;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * TLS 1.3 contexts for every leg of the tunnel, with the right ALPN ids. Uses OpenSSL (BoringSSL) when
 * available, the JDK otherwise.
 */
public final class TunnelTls {

    private TunnelTls() {
    }

    /**
     * The relay's server context: accepts device tunnels (client certificate required by the handshake
     * handler for {@link TunnelProtocol#ALPN_DEVICE_TUNNEL}) and stream clients (client certificate optional).
     */
    public static SslContext forRelay(PrivateKey key, X509Certificate[] chain, Collection<X509Certificate> trustedCas) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The agent's client context: presents the device certificate, trusts only the given CAs. */
    public static SslContext forAgent(PrivateKey key, X509Certificate[] chain, Collection<X509Certificate> trustedCas) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A stream client's context ({@code key} and {@code chain} may be null: tickets authorize streams). */
    public static SslContext forStreamClient(PrivateKey key, X509Certificate[] chain,
            Collection<X509Certificate> trustedCas) {
        throw new UnsupportedOperationException("TODO");
    }
}
