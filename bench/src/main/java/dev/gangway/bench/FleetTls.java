package dev.gangway.bench;

import dev.gangway.tunnel.TunnelProtocol;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.cert.CertificateException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS client side of a load generator: one shared context for all its devices, each device still presenting its
 * own key and certificate. Making a {@link TunnelTls#forAgent} context per device, as the agent does, costs
 * 5–50 ms each here (a native context, trust and key stores): minutes for 15,000 devices. The shared context has the
 * protocol settings of {@code TunnelTls.forAgent} — TLS 1.3 only, the same engine (BoringSSL when available), ALPN
 * {@link TunnelProtocol#ALPN_DEVICE_TUNNEL} — and a key manager that picks the key of the device whose context made
 * the engine ({@link #forDevice}); session resumption is off, since devices would otherwise resume each other's
 * sessions. So the relay sees exactly what it sees from separate agents dialling a relay that just started.
 *
 * <p>What only the generator's CPU sees is made cheap, since thousands of devices share two cores with the relay
 * here while each real device has a CPU of its own: the relay's certificate is pinned (byte-equal to the bench relay's;
 * stricter than the agent's chain and host name check, and without the JDK's certificate path validation in every
 * handshake), and each device's key is converted for BoringSSL once, not at every handshake. With the JDK's TLS (no
 * BoringSSL) every device gets a {@code TunnelTls.forAgent} context of its own.
 *
 * <p>Thread-safe.
 */
final class FleetTls {

    private final Map<String, FleetPki.Device> devices = new ConcurrentHashMap<>();
    private final Map<SSLEngine, String> engines = Collections.synchronizedMap(new WeakHashMap<>());
    private final SslContext shared;
    private final X509Certificate ca;

    FleetTls(X509Certificate ca, X509Certificate relay) {
        this.ca = ca;
        try {
            shared = SslContextBuilder.forClient()
                    .keyManager(new OpenSslCachingX509KeyManagerFactory(new KeyManagerFactoryWrapper(new KeyManager())))
                    .trustManager(new PinnedRelay(relay))
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            TunnelProtocol.ALPN_DEVICE_TUNNEL))
                    .sslProvider(TunnelTls.provider())
                    .protocols("TLSv1.3")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up the load generator's TLS: " + e.getMessage(), e);
        }
        // One context's session cache would let device B resume device A's session (same relay host and port), and
        // present A's identity: no resumption at all. Separate agents cannot resume against a restarted relay either.
        if (shared.sessionContext() instanceof OpenSslSessionContext sessions) {
            sessions.setSessionCacheEnabled(false);
        }
    }

    /** Whether devices share the one context; with the JDK's TLS (no BoringSSL) each gets its own. */
    boolean shared() {
        return shared.sessionContext() instanceof OpenSslSessionContext;
    }

    /** The context device {@code device} dials with: the shared one, presenting this device's certificate. */
    SslContext forDevice(FleetPki.Device device) {
        if (!shared()) {
            return TunnelTls.forAgent(device.key(), new X509Certificate[] {device.certificate()}, List.of(ca));
        }
        devices.put(device.id(), device);
        return new DelegatingSslContext(shared) {
            @Override
            protected void initEngine(SSLEngine engine) {
                engines.put(engine, device.id());
            }
        };
    }

    /** Trusts exactly the bench relay's certificate. */
    private static final class PinnedRelay extends X509ExtendedTrustManager {
        private final X509Certificate relay;

        PinnedRelay(X509Certificate relay) {
            this.relay = relay;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0 || !Arrays.equals(chain[0].getEncoded(), relay.getEncoded())) {
                throw new CertificateException("not the bench relay's certificate");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a load generator is no server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a load generator is no server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a load generator is no server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private final class KeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return engines.get(engine);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            FleetPki.Device device = alias == null ? null : devices.get(alias);
            return device == null ? null : new X509Certificate[] {device.certificate()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            FleetPki.Device device = alias == null ? null : devices.get(alias);
            return device == null ? null : device.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return devices.keySet().toArray(String[]::new);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
