package dev.gangway.bench;

import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The device agent process: {@code agent <work dir> <relay port> <target port> [<relay host> <keepalive s>
 * <keepalive timeout s>]}; allows exactly the bench target and prints {@code READY ...} once its tunnel is connected.
 * Without the last three it connects to 127.0.0.1 with the {@link TunnelClient} keepalive defaults (120 s, answer
 * within 20 s).
 */
final class AgentRole {

    private AgentRole() {
    }

    static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        TestPki pki = new TestPki(Path.of(args[0]));
        int relayPort = Integer.parseInt(args[1]);
        String relayHost = args.length > 3 ? args[3] : "127.0.0.1";
        Duration keepalive = args.length > 4 ? Duration.ofSeconds(Long.parseLong(args[4])) : TunnelClient.DEFAULT_KEEPALIVE;
        Duration keepaliveTimeout = args.length > 5 ? Duration.ofSeconds(Long.parseLong(args[5]))
                : TunnelClient.KEEPALIVE_ANSWER;
        LanTarget allowed = new LanTarget("127.0.0.1", Integer.parseInt(args[2]));
        SslContext tls = TunnelTls.forAgent(TestPki.readPrivateKey(pki.agentKey(), "EC"),
                new X509Certificate[] {TestPki.readCertificate(pki.agentCert())},
                List.of(TestPki.readCertificate(pki.caCert())));
        String agentInfo = "{\"agentVersion\":\"bench\",\"hostname\":\"bench\",\"services\":[{\"name\":\"target\","
                + "\"kind\":\"tcp\",\"host\":\"127.0.0.1\",\"port\":" + allowed.port() + "}]}";
        AtomicBoolean announced = new AtomicBoolean();
        TunnelClient client = TunnelClient.builder()
                .relayLocator(() -> new InetSocketAddress(relayHost, relayPort))
                .sslContext(tls)
                .targetPolicy(target -> {
                    if (!allowed.equals(target)) {
                        throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                    }
                })
                .agentInfo(() -> agentInfo)
                .keepalive(keepalive, keepaliveTimeout)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5))
                .stateListener(state -> {
                    RoleSupport.event("STATE " + state);
                    if (state == TunnelClient.State.CONNECTED && announced.compareAndSet(false, true)) {
                        RoleSupport.ready(RoleSupport.tlsDescription(tls));
                    }
                })
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(client::close, "agent-close"));
        client.start();
        RoleSupport.parkForever();
    }
}
