package dev.gangway.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.agent.TestCa;
import dev.gangway.agent.alarms.AlarmsSetupException;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.AlarmsConfig;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.config.ServiceKind;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.tunnel.Alarm;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelListener;
import dev.gangway.tunnel.TunnelTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, must-show 5 at the agent: alarms taken in by the running agent (SMTP and HTTP) reach the relay's listener
 * through the real tunnel, in order; while the access server cannot store them they wait in the agent's queue, and a
 * new agent process on the same queue directory delivers them, each exactly once.
 */
class AlarmsTunnelTest {

    private static final String DEVICE = "dev-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    TestCa ca;
    RelayServer relay;
    AgentRunner agent;
    final List<Alarm> received = new CopyOnWriteArrayList<>();
    final Map<String, Integer> stored = new ConcurrentHashMap<>();
    volatile boolean storing = true;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.create("test CA");
        KeyPair relayKeys = TestCa.ecKeys();
        relay = RelayServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(TunnelTls.forRelay(relayKeys.getPrivate(),
                        new X509Certificate[] {ca.issueRelay(relayKeys.getPublic())}, List.of(ca.certificate())))
                .deviceAuthorizer(cert -> new DeviceIdentity(DEVICE, cert.getSerialNumber().toString(16)))
                .ticketKey(Tickets.generateKeyPair().getPublic())
                .listener(new TunnelListener() {
                    @Override
                    public CompletionStage<Void> alarmsReceived(DeviceIdentity device, List<Alarm> alarms) {
                        received.addAll(alarms);
                        if (!storing) {
                            return CompletableFuture.failedFuture(new IllegalStateException("database down"));
                        }
                        alarms.forEach(a -> stored.merge(a.id(), 1, Integer::sum));
                        return CompletableFuture.completedFuture(null);
                    }
                })
                .start();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        relay.close();
    }

    @Test
    void alarmsByMailAndHttpReachTheRelayInOrder() throws Exception {
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        eventually(() -> relay.isOnline(DEVICE));

        postAlarm("Tank 2 low", "level 8 %");
        sendMail("plc@line2.example", "Line 2 stopped", "error E42");
        postAlarm("Tank 2 ok", "");

        eventually(() -> received.size() == 3);
        assertThat(received).extracting(Alarm::subject).containsExactly("Tank 2 low", "Line 2 stopped", "Tank 2 ok");
        assertThat(received).extracting(Alarm::sequence).containsExactly(1L, 2L, 3L);
        assertThat(received.get(1).source()).isEqualTo("smtp");
        assertThat(received.get(1).from()).isEqualTo("plc@line2.example");
        assertThat(received.get(1).text()).isEqualTo("error E42");
        assertThat(received.get(0).from()).isEqualTo("127.0.0.1");
        eventually(() -> agent.alarms().orElseThrow().queue().size() == 0);
    }

    @Test
    void alarmsWaitOnDiskAndANewAgentOnTheSameQueueDeliversThemExactlyOnce() throws Exception {
        storing = false;
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        eventually(() -> relay.isOnline(DEVICE));
        postAlarm("first", "");
        postAlarm("second", "");
        eventually(() -> received.size() >= 2); // offered, but the access server could not store them
        agent.close();
        agent = null;
        eventually(() -> !relay.isOnline(DEVICE));

        storing = true;
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        postAlarm("third", "");
        eventually(() -> stored.size() == 3);
        eventually(() -> agent.alarms().orElseThrow().queue().size() == 0);

        assertThat(stored.values()).as("each alarm stored once").containsOnly(1);
        assertThat(received.subList(received.size() - 3, received.size())).extracting(Alarm::subject)
                .containsExactly("first", "second", "third");
        assertThat(received.subList(received.size() - 3, received.size())).extracting(Alarm::sequence)
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void aPortThatCannotBeBoundStopsTheStartWithTheField() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentConfig config = config(new AlarmsConfig(dir.resolve("alarms"), 100, 1 << 20,
                    Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 0)),
                    Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", taken.getLocalPort()))));
            DeviceCredentials device = registeredDevice();
            assertThatThrownBy(() -> AgentRunner.start(config, device, Clock.systemUTC()))
                    .isInstanceOf(AlarmsSetupException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .satisfies(e -> assertThat(((AlarmsSetupException) e).field()).isEqualTo("alarms.http.listen"));
        }
        // the SMTP listener it had started is closed again, and the queue with it: a second start works
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        eventually(() -> relay.isOnline(DEVICE));
    }

    private AgentConfig config() {
        return config(new AlarmsConfig(dir.resolve("alarms"), 100, 1 << 20,
                Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 0)),
                Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 0))));
    }

    private AgentConfig config(AlarmsConfig alarms) {
        return new AgentConfig(dir.resolve("identity"), Optional.empty(), Duration.ofSeconds(25),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                List.of(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", 8080))).withAlarms(alarms);
    }

    private void postAlarm(String subject, String text) throws Exception {
        int port = agent.alarms().orElseThrow().httpAddress().orElseThrow().getPort();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/alarms")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"subject\":\"" + subject + "\",\"text\":\"" + text + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
    }

    /** A mail over plain SMTP, as a PLC would send it. */
    private void sendMail(String from, String subject, String text) throws IOException {
        int port = agent.alarms().orElseThrow().smtpAddress().orElseThrow().getPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            for (String line : List.of("HELO plc", "MAIL FROM:<" + from + ">", "RCPT TO:<alarm@agent>", "DATA",
                    "Subject: " + subject + "\r\n\r\n" + text + "\r\n.", "QUIT")) {
                String reply = in.readLine();
                while (reply.length() > 3 && reply.charAt(3) == '-') {
                    reply = in.readLine();
                }
                assertThat(reply).matches("[23].*");
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            assertThat(in.readLine()).startsWith("221"); // the mail was answered 250 before QUIT
        }
    }

    private DeviceCredentials registeredDevice() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        if (java.nio.file.Files.isDirectory(dir.resolve("identity"))) {
            return store.load();
        }
        KeyPair keys = TestCa.ecKeys();
        DeviceCredentials credentials = new DeviceCredentials(keys.getPrivate(),
                ca.issueDevice(keys.getPublic(), DEVICE, "SN-1"), List.of(ca.certificate()),
                new DeviceRecord(DEVICE, "Press 4", "", "localhost", relay.localAddress().getPort(), "SN-1",
                        Instant.now().toString()));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials);
        }
        return store.load();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + WAIT).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
