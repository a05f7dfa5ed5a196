package dev.gangway.tunnel;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS 1.3 contexts for every leg of the tunnel, with the right ALPN ids. Uses OpenSSL (BoringSSL) when
 * available, the JDK otherwise.
 *
 * <h2>Relay identity</h2> The agent and stream clients trust only the CAs they are given (the access server's
 * own CA); the JDK trust manager also requires the {@code serverAuth} extended key usage, which only relay
 * certificates carry (device certificates are {@code clientAuth} only); and the relay's certificate must name
 * the host that was dialled (RFC 6125, as browsers check), so a certificate our CA issued to another relay does
 * not pass for this one. The access server puts the relay's public host in its certificate.
 *
 * <h2>ALPN</h2> Servers do not advertise a protocol when the client offers none of ours; the relay then
 * closes the connection after the handshake (the same behaviour with both providers).
 */
public final class TunnelTls {

    private static final String TLS_13 = "TLSv1.3";

    private TunnelTls() {
    }

    /**
     * The relay's server context: accepts device tunnels (client certificate required by the handshake
     * handler for {@link TunnelProtocol#ALPN_DEVICE_TUNNEL}) and stream clients (client certificate optional).
     */
    public static SslContext forRelay(PrivateKey key, X509Certificate[] chain, Collection<X509Certificate> trustedCas) {
        requireKey(key, chain, "relay");
        return build(SslContextBuilder.forServer(key, chain)
                .trustManager(requireCas(trustedCas))
                .clientAuth(ClientAuth.OPTIONAL)
                .applicationProtocolConfig(alpn(TunnelProtocol.ALPN_DEVICE_TUNNEL, TunnelProtocol.ALPN_STREAM_CLIENT)));
    }

    /** The agent's client context: presents the device certificate, trusts only the given CAs. */
    public static SslContext forAgent(PrivateKey key, X509Certificate[] chain, Collection<X509Certificate> trustedCas) {
        requireKey(key, chain, "device");
        return build(SslContextBuilder.forClient()
                .keyManager(key, chain)
                .trustManager(requireCas(trustedCas))
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(alpn(TunnelProtocol.ALPN_DEVICE_TUNNEL)));
    }

    /** A stream client's context ({@code key} and {@code chain} may be null: tickets authorize streams). */
    public static SslContext forStreamClient(PrivateKey key, X509Certificate[] chain,
            Collection<X509Certificate> trustedCas) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(requireCas(trustedCas))
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(alpn(TunnelProtocol.ALPN_STREAM_CLIENT));
        if (key != null) {
            requireKey(key, chain, "client");
            builder.keyManager(key, chain);
        }
        return build(builder);
    }

    /** The TLS implementation in use: BoringSSL when its native library loads and speaks TLS 1.3, else the JDK. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)
                && SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.sslProvider(provider()).protocols(TLS_13).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    private static void requireKey(PrivateKey key, X509Certificate[] chain, String what) {
        if (key == null || chain == null || chain.length == 0) {
            throw new IllegalArgumentException("the " + what + " key and certificate chain are required");
        }
    }

    private static List<X509Certificate> requireCas(Collection<X509Certificate> cas) {
        if (cas == null || cas.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted CA certificate is required");
        }
        return List.copyOf(cas);
    }
}
