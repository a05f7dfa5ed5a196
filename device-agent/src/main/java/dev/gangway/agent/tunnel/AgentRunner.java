package dev.gangway.agent.tunnel;

import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.RelayAddress;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** Wires configuration and identity into a running {@link TunnelClient}; {@code run} and the tests use it. */
final class AgentRunner implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final TunnelClient client;

    private AgentRunner(TunnelClient client) {
        this.client = client;
    }

    static AgentRunner start(AgentConfig config, DeviceCredentials identity, Clock clock) {
        DeviceRecord device = identity.device();
        Optional<URI> portal = config.portal()
                .or(() -> device.portal().isBlank() ? Optional.empty() : Optional.of(URI.create(device.portal())));
        Optional<PortalApi> api = portal.map(uri -> new PortalApi(PortalApi.parseBase(uri.toString()),
                Duration.ofSeconds(5), Duration.ofSeconds(10), AgentVersion.get(), config.proxy()));
        PortalRelayLocator locator = new PortalRelayLocator(api, device.deviceId(),
                new RelayAddress(device.relayHost(), device.relayPort()), config.proxy().isPresent());
        SslContext tls = TunnelTls.forAgent(identity.key(), new X509Certificate[] {identity.certificate()},
                identity.trustedCas());
        AtomicReference<TunnelClient> built = new AtomicReference<>();
        TunnelClient client = TunnelClient.builder()
                .relayLocator(locator)
                .sslContext(tls)
                .targetPolicy(new ServiceAllowlist(config.services()))
                .agentInfo(new AgentInfo(AgentVersion.get(), AgentInfo.hostname(), config.services()))
                .keepalive(config.keepalive(), config.keepalive())
                .backoff(config.backoffMin(), config.backoffMax())
                .connectTimeout(CONNECT_TIMEOUT)
                .proxy(config.proxy().orElse(null))
                .clock(clock)
                .stateListener(new TunnelStateLog(locator::current,
                        () -> built.get() == null ? null : built.get().lastError()))
                .build();
        built.set(client);
        client.start();
        return new AgentRunner(client);
    }

    TunnelClient.State state() {
        return client.state();
    }

    @Override
    public void close() {
        client.close();
    }
}
