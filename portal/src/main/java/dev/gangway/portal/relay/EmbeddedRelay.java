package dev.gangway.portal.relay;

import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the relay inside the portal's JVM on {@code gangway.relay.port}: a server certificate from the portal's CA
 * (issued at every start, with the public host in its names), device certificates checked against the registry,
 * tunnel events to the registry, tickets checked with the portal's ticket key. Stream clients (the Gangway client)
 * must present bound tickets, and each of their streams is checked once more by {@link ClientStreams} (session,
 * certificate, user, right) before it opens, and {@link OpenStreams} ends the ones whose right went away. A relay
 * that cannot start fails the portal's start. Features close a device's tunnel through {@link TunnelDisconnector}
 * (send an on-demand device offline).
 */
@Component
class EmbeddedRelay implements SmartLifecycle, RelayDirectory, OpenStreams, TunnelDisconnector {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRelay.class);

    /** Without the client feature no stream client is admitted. */
    private static final ClientStreams NO_CLIENT_STREAMS = new ClientStreams() {
        @Override
        public void authorize(StreamTicket ticket, X509Certificate certificate) throws TunnelException {
            throw TunnelException.of(TunnelError.NO_RIGHT, "this portal takes no client streams");
        }

        @Override
        public void streamFailed(StreamTicket ticket, TunnelException error) {
        }

        @Override
        public void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
        }

        @Override
        public void relayStopped() {
        }
    };

    private final RelaySettings settings;
    private final CertificateAuthority authority;
    private final DeviceCertificates certificates;
    private final TicketKeys ticketKeys;
    private final TunnelEvents tunnels;
    private final ClientStreams clientStreams;
    private final DeviceAlarms alarms;
    private final Clock clock;

    private volatile RelayServer server;
    private volatile RegistryTunnelListener listener;
    private volatile boolean running;

    EmbeddedRelay(RelaySettings settings, CertificateAuthority authority, DeviceCertificates certificates,
            TicketKeys ticketKeys, TunnelEvents tunnels, ObjectProvider<ClientStreams> clientStreams, ObjectProvider<DeviceAlarms> alarms, Clock clock) {
        this.settings = settings;
        this.authority = authority;
        this.certificates = certificates;
        this.ticketKeys = ticketKeys;
        this.tunnels = tunnels;
        this.clientStreams = clientStreams.getIfAvailable(() -> NO_CLIENT_STREAMS);
        this.alarms = alarms.getIfAvailable();
        this.clock = clock;
    }

    @Override
    public void start() {
        CertificateAuthority.IssuedKey relayKey = authority.issueRelayCertificate(List.of(settings.publicHost()));
        RegistryTunnelListener events = new RegistryTunnelListener(tunnels, clientStreams, alarms);
        try {
            SslContext tls = TunnelTls.forRelay(relayKey.key(), new X509Certificate[] {relayKey.certificate()},
                    List.of(authority.certificate()));
            server = RelayServer.builder()
                    .bind(new InetSocketAddress(settings.bindAddress(), settings.port()))
                    .sslContext(tls)
                    .deviceAuthorizer(new CertificateDeviceAuthorizer(certificates, clock))
                    .ticketKey(ticketKeys.publicKey())
                    .requireBoundTickets(true)
                    .streamAuthorizer(clientStreams)
                    .listener(events)
                    .keepalive(settings.keepaliveInterval(), settings.keepaliveTimeout())
                    .maxStreamsPerTunnel(settings.maxStreamsPerTunnel())
                    .clock(clock)
                    .start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.close();
            throw new IllegalStateException("interrupted while starting the relay", e);
        } catch (RuntimeException e) {
            events.close();
            throw new IllegalStateException("the relay cannot listen on " + settings.bindAddress() + ":"
                    + settings.port() + " (" + e.getMessage() + "): free the port or set gangway.relay.port "
                    + "(GANGWAY_RELAY_PORT)", e);
        }
        listener = events;
        running = true;
        log.info("Relay listening on {} (agents dial {}:{})", server.localAddress(), settings.publicHost(),
                publicPort());
    }

    @Override
    public void stop() {
        running = false;
        RelayServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        RegistryTunnelListener l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server stops, after it starts (the relay's phase is lower than the web server's). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    @Override
    public RelayAddress relayFor(String deviceId) {
        return new RelayAddress(settings.publicHost(), publicPort());
    }

    @Override
    public int closeStreams(Predicate<StreamTicket> which, TunnelError reason) {
        RelayServer s = server;
        return s == null ? 0 : s.closeStreams(which, reason);
    }

    @Override
    public boolean disconnect(String deviceId, TunnelError reason) {
        RelayServer s = server;
        if (s == null) {
            return false;
        }
        s.disconnect(deviceId, reason);
        return true;
    }

    /** The running relay, if started. */
    Optional<RelayServer> server() {
        return Optional.ofNullable(server);
    }

    /** The port agents dial: the public port if set, else the bound one. */
    int publicPort() {
        if (settings.publicPort() != 0) {
            return settings.publicPort();
        }
        RelayServer s = server;
        return s != null ? s.localAddress().getPort() : settings.port();
    }
}
