package dev.gangway.client.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.client.ExitCode;
import dev.gangway.client.FakePortal;
import dev.gangway.client.FakePortal.Reply;
import dev.gangway.client.Output;
import dev.gangway.client.TestCa;
import dev.gangway.client.TestEnv;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code gangway connect} against tunnel-core's real relay (bound tickets required) and a real agent whose LAN
 * holds an echo server, with a local HTTP server answering as the portal: the whole client path on loopback.
 */
class ConnectThroughRelayTest {

    private static final String DEVICE = "dev-7";

    @TempDir
    Path home;

    private final KeyPair ticketKeys = Tickets.generateKeyPair();
    private TestCa ca;
    private ServerSocket echo;
    private RelayServer relay;
    private TunnelClient agent;
    private FakePortal portal;
    private LanTarget echoTarget;

    @BeforeEach
    void setUp() throws Exception {
        ca = new TestCa();
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread echoThread = new Thread(this::echoLoop, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        echoTarget = new LanTarget("127.0.0.1", echo.getLocalPort());

        TestCa.Issued relayCertificate = ca.relay();
        relay = RelayServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(TunnelTls.forRelay(relayCertificate.key(), relayCertificate.chain(),
                        List.of(ca.certificate())))
                .deviceAuthorizer(cert -> new DeviceIdentity(DEVICE, cert.getSerialNumber().toString(16)))
                .ticketKey(ticketKeys.getPublic())
                .requireBoundTickets(true)
                .start();
        TestCa.Issued device = ca.device(DEVICE);
        agent = TunnelClient.builder()
                .relayLocator(() -> relay.localAddress())
                .sslContext(TunnelTls.forAgent(device.key(), device.chain(), List.of(ca.certificate())))
                .targetPolicy(target -> {
                    if (!target.equals(echoTarget)) {
                        throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                    }
                })
                .agentInfo(() -> "{\"agentVersion\":\"test\",\"hostname\":\"lan\",\"services\":[]}")
                .build();
        agent.start();
        for (int i = 0; i < 1000 && !relay.isOnline(DEVICE); i++) {
            Thread.sleep(10);
        }
        assertThat(relay.isOnline(DEVICE)).isTrue();

        int relayPort = relay.localAddress().getPort();
        portal = new FakePortal();
        portal.on("POST /sessions", 201, "{\"token\":\"" + FakePortal.TOKEN + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
        portal.on("DELETE /sessions/current", 204, null);
        portal.on("GET /devices", 200, "{\"devices\":[{\"id\":\"" + DEVICE + "\",\"name\":\"Press 4\",\"online\":true,"
                + "\"services\":[{\"name\":\"echo\",\"kind\":\"tcp\",\"host\":\"127.0.0.1\",\"port\":"
                + echo.getLocalPort() + "}],\"rights\":[\"CLIENT_FORWARD\"]}]}");
        portal.on("POST /certificate", r -> {
            try {
                return new Reply(201, ca.certificateAnswer(r.body(), Duration.ofHours(1), relayPort));
            } catch (Exception e) {
                return new Reply(500, FakePortal.error("internal", e.toString()));
            }
        });
        portal.on("POST /tickets", r -> {
            JsonNode body = Output.JSON.readTree(r.body());
            LanTarget target = new LanTarget(body.get("host").stringValue(), body.get("port").intValue());
            String ticket = Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "acme", "alice", DEVICE,
                    target, Instant.now().plusSeconds(60), body.get("certificate").stringValue()),
                    ticketKeys.getPrivate());
            return new Reply(201, "{\"ticket\":\"" + ticket + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        relay.close();
        portal.close();
        echo.close();
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // closed
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void assertEchoes(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] back = new byte[text.length()];
        new DataInputStream(s.getInputStream()).readFully(back);
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo(text);
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    @Test
    void forwardsAServiceAndSocksThroughTheRelayUntilStopped() throws Exception {
        TestEnv t = new TestEnv(home);
        t.variables.put("GANGWAY_PASSWORD", "pw");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> t.run("connect", "Press 4",
                "--portal", portal.url(), "--account", "acme", "--user", "alice", "--socks", "0", "--json"));
        String line = null;
        for (int i = 0; i < 1500 && (line = t.out().strip()).isEmpty() && !exit.isDone(); i++) {
            Thread.sleep(10);
        }
        assertThat(line).as(t.err()).isNotEmpty();
        JsonNode json = Output.JSON.readTree(line);
        assertThat(json.get("device").get("id").stringValue()).isEqualTo(DEVICE);
        JsonNode forward = json.get("forwards").get(0);
        assertThat(forward.get("service").stringValue()).isEqualTo("echo");
        assertThat(forward.get("target").stringValue()).isEqualTo(echoTarget.authority());

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(forward.get("local").stringValue()))) {
            s.setSoTimeout(15_000);
            assertEchoes(s, "hello over the relay");
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(json.get("socks").stringValue()))) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {5, 1, 0});
            byte[] answer = new byte[2];
            new DataInputStream(s.getInputStream()).readFully(answer);
            assertThat(answer).containsExactly(5, 0);
            int p = echo.getLocalPort();
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (p >> 8), (byte) p});
            byte[] reply = new byte[10];
            new DataInputStream(s.getInputStream()).readFully(reply);
            assertThat(reply[1]).isZero();
            assertEchoes(s, "and through SOCKS5");
        }
        // a target the agent does not allow: the SOCKS client hears "not allowed"
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(json.get("socks").stringValue()))) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(new byte[] {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 9});
            byte[] reply = new byte[12];
            new DataInputStream(s.getInputStream()).readFully(reply);
            assertThat(reply[3]).isEqualTo((byte) 0x02);
        }
        assertThat(portal.requests("POST /tickets")).hasSize(3);

        t.stop.stop("test");
        assertThat(exit.get(30, TimeUnit.SECONDS)).as(t.err()).isEqualTo(ExitCode.OK);
        assertThat(portal.requests("DELETE /sessions/current")).hasSize(1);
        assertThat(t.err()).contains("127.0.0.1:9: target not allowed");
    }
}
