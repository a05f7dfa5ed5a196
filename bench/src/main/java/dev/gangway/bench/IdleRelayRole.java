package dev.gangway.bench;

import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelListener;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The relay process of the idle-tunnels scenario: the real {@link RelayServer}, built as the portal's embedded relay
 * builds it (its default event loop group, keepalive from the arguments), admitting every device whose certificate
 * the fleet CA signed and whose CN is {@code fleet-<n>}.
 *
 * <p>{@code IdleRelayRole <pki dir> <bind port> <control dir> <name> <expected tunnels> <keepalive s>
 * <keepalive timeout s>}; binds 127.0.0.1, prints {@code READY port=<p> pid=<pid> tls=...}, keeps its counters in
 * {@code <name>.status} ({@link FleetCounter}) and answers {@code heap} ({@link MemoryProbe}) through
 * {@link ControlFiles}. A shutdown (SIGTERM) closes the relay as the portal does: GOAWAY to every tunnel, then close.
 */
final class IdleRelayRole {

    private IdleRelayRole() {
    }

    public static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        FleetPki pki = new FleetPki(Path.of(args[0]));
        int port = Integer.parseInt(args[1]);
        ControlFiles control = new ControlFiles(Path.of(args[2]), args[3]);
        FleetCounter counter = new FleetCounter(Integer.parseInt(args[4]));
        Duration keepalive = Duration.ofSeconds(Long.parseLong(args[5]));
        Duration keepaliveTimeout = Duration.ofSeconds(Long.parseLong(args[6]));
        X509Certificate ca = TestPki.readCertificate(pki.caCert());
        SslContext tls = TunnelTls.forRelay(TestPki.readPrivateKey(pki.relayKey(), "EC"),
                new X509Certificate[] {TestPki.readCertificate(pki.relayCert())}, List.of(ca));
        RelayServer relay = RelayServer.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sslContext(tls)
                .deviceAuthorizer(IdleRelayRole::authorize)
                .ticketKey(TestPki.readPublicKey(pki.ticketPublicKey(), "Ed25519"))
                .requireBoundTickets(true)
                .listener(new TunnelListener() {
                    @Override
                    public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
                        counter.up();
                    }

                    @Override
                    public void tunnelDown(DeviceIdentity device, String reason) {
                        counter.down();
                    }
                })
                .keepalive(keepalive, keepaliveTimeout)
                .maxStreamsPerTunnel(256)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t0 = System.nanoTime();
            relay.close();
            System.err.printf("relay closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }, "relay-close"));
        control.serve(counter::status, command -> {
            if (command.equals("heap")) {
                return MemoryProbe.measure() + " up=" + counter.current();
            }
            throw new IllegalArgumentException("unknown command '" + command + "'; the relay knows heap");
        });
        RoleSupport.ready("port=" + relay.localAddress().getPort() + " pid=" + ProcessHandle.current().pid() + " "
                + RoleSupport.tlsDescription(tls));
        RoleSupport.parkForever();
    }

    /** The bench CA vouched for the certificate (TLS checked it); its CN must name a fleet device. */
    private static DeviceIdentity authorize(X509Certificate certificate) throws TunnelException {
        RDN[] cn = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        String deviceId = cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
        if (!deviceId.startsWith(FleetPki.DEVICE_PREFIX)) {
            throw TunnelException.of(TunnelError.UNKNOWN_DEVICE, "CN '" + deviceId + "'");
        }
        return new DeviceIdentity(deviceId, certificate.getSerialNumber().toString(16));
    }
}
