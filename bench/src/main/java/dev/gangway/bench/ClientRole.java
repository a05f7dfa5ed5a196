package dev.gangway.bench;

import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.LocalForwarder;
import dev.gangway.tunnel.StreamClient;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The user's side, like {@code ssh -L}: {@code client <work dir> <relay port> <target port>} connects a
 * {@link StreamClient} to the relay and forwards every connection to a local port into a new ticketed stream.
 * Each stream gets a fresh ticket signed with the bench's ticket key, as the access server would issue it.
 */
final class ClientRole {

    private ClientRole() {
    }

    static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        TestPki pki = new TestPki(Path.of(args[0]));
        InetSocketAddress relayAddress = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        LanTarget target = new LanTarget("127.0.0.1", Integer.parseInt(args[2]));
        PrivateKey ticketKey = TestPki.readPrivateKey(pki.ticketPrivateKey(), "Ed25519");
        SslContext tls = TunnelTls.forStreamClient(null, null, List.of(TestPki.readCertificate(pki.caCert())));
        StreamClient streams = StreamClient.connect(relayAddress, tls).get(15, TimeUnit.SECONDS);
        // the forwarder shares the relay connection's event loop, so a splice never hops between threads
        LocalForwarder forwarder = LocalForwarder.listen(new InetSocketAddress("127.0.0.1", 0),
                () -> streams.openStream(Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "bench",
                        "bench", TestPki.DEVICE_ID, target, Instant.now().plusSeconds(60)), ticketKey)),
                streams.eventLoop());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            forwarder.close();
            streams.close();
        }, "client-close"));
        RoleSupport.ready("port=" + forwarder.localAddress().getPort() + " " + RoleSupport.tlsDescription(tls));
        RoleSupport.parkForever();
    }
}
