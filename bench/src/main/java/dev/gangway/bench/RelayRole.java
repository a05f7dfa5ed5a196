package dev.gangway.bench;

import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelListener;
import dev.gangway.tunnel.TunnelTls;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
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
 * The relay process: {@code relay <pki dir> [<event loop threads> [<bind address> <keepalive s> <keepalive timeout s>]]};
 * prints {@code READY port=<p> tls=...}. Without the last three it binds 127.0.0.1 with a 25 s / 10 s keepalive.
 */
final class RelayRole {

    private RelayRole() {
    }

    static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        TestPki pki = new TestPki(Path.of(args[0]));
        X509Certificate ca = TestPki.readCertificate(pki.caCert());
        SslContext tls = TunnelTls.forRelay(TestPki.readPrivateKey(pki.relayKey(), "EC"),
                new X509Certificate[] {TestPki.readCertificate(pki.relayCert())}, List.of(ca));
        RelayServer.Builder builder = RelayServer.builder();
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (threads > 0) {
            // an investigation knob (--relay-threads): the default group has 2 threads per core
            builder.eventLoopGroup(new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-relay"),
                    Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory()));
        }
        String bind = args.length > 2 ? args[2] : "127.0.0.1";
        Duration keepalive = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 25);
        Duration keepaliveTimeout = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 10);
        RelayServer relay = builder
                .bind(new InetSocketAddress(bind, 0))
                .sslContext(tls)
                .deviceAuthorizer(RelayRole::authorize)
                .ticketKey(TestPki.readPublicKey(pki.ticketPublicKey(), "Ed25519"))
                .listener(new Events())
                .keepalive(keepalive, keepaliveTimeout)
                .maxStreamsPerTunnel(256)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "relay-close"));
        RoleSupport.ready("port=" + relay.localAddress().getPort() + " " + RoleSupport.tlsDescription(tls));
        RoleSupport.parkForever();
    }

    /** The access server's rule in miniature: the certificate's CN is the device id, and only ours is known. */
    private static DeviceIdentity authorize(X509Certificate certificate) throws TunnelException {
        RDN[] cn = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        String deviceId = cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
        if (!TestPki.DEVICE_ID.equals(deviceId)) {
            throw TunnelException.of(TunnelError.UNKNOWN_DEVICE, "CN '" + deviceId + "'");
        }
        return new DeviceIdentity(deviceId, certificate.getSerialNumber().toString(16));
    }

    private static final class Events implements TunnelListener {
        @Override
        public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
            RoleSupport.event("TUNNEL_UP " + device.deviceId());
        }

        @Override
        public void tunnelDown(DeviceIdentity device, String reason) {
            RoleSupport.event("TUNNEL_DOWN " + device.deviceId() + " " + reason);
        }

        @Override
        public void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
            RoleSupport.event("STREAM_CLOSED to_device=" + bytesToDevice + " from_device=" + bytesFromDevice);
        }
    }
}
