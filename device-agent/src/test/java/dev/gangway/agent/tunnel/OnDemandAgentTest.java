package dev.gangway.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.TestCa;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.AlarmsConfig;
import dev.gangway.agent.config.KeySwitchConfig;
import dev.gangway.agent.config.OnDemandConfig;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.config.ServiceKind;
import dev.gangway.agent.config.SmsConfig;
import dev.gangway.agent.demohmi.DemoHmiServer;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.identity.Pem;
import dev.gangway.agent.ondemand.OnDemandController;
import dev.gangway.tunnel.Alarm;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelListener;
import dev.gangway.tunnel.TunnelTls;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 5, on-demand devices at the agent: the real agent (AgentRunner) against a real relay and a stand-in portal.
 * While idle nothing is dialled (counted at the relay and at the portal's relay lookup); a signed wake-up SMS dropped
 * into the gammu-smsd inbox makes it report "dialling" and bring the tunnel up; with no stream it hangs up after the
 * idle time (the relay is told IDLE_TIMEOUT), an open stream keeps it up; "send offline" (SENT_OFFLINE from the relay)
 * keeps it down until the next wake-up; a replayed SMS does nothing; the key switch off wins; a queued alarm wakes it.
 */
class OnDemandAgentTest {

    private static final String DEVICE = "dev-" + UUID.randomUUID();
    private static final String PORTAL_NUMBER = "+41790000000";
    /** Short, so that the test does not wait ten minutes; the config's minimum (10 s) is for agent.yml. */
    private static final Duration IDLE = Duration.ofSeconds(2);
    /** Generous: the machine may be busy. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Longer than the test agent's longest backoff (1 s), twice: a connection would have happened by then. */
    private static final Duration QUIET = Duration.ofMillis(2500);
    private static final DateTimeFormatter GAMMU_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    @TempDir
    Path dir;

    TestCa ca;
    KeyPair ticketKeys;
    RelayServer relay;
    HttpServer portal;
    DemoHmiServer hmi;
    AgentRunner agent;
    Path inbox;
    final AtomicInteger relayAccepts = new AtomicInteger();
    final AtomicInteger relayLookups = new AtomicInteger();
    final AtomicInteger smsSerial = new AtomicInteger();
    final BlockingQueue<String> ups = new LinkedBlockingQueue<>();
    final BlockingQueue<String> downReasons = new LinkedBlockingQueue<>();
    /** The wake-progress reports the portal received, verified: "<state> <wake>". */
    final BlockingQueue<String> progress = new LinkedBlockingQueue<>();
    final BlockingQueue<Alarm> alarmsReceived = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.create("test CA");
        ticketKeys = Tickets.generateKeyPair();
        inbox = Files.createDirectory(dir.resolve("inbox"));
        hmi = DemoHmiServer.start("127.0.0.1", 0);
        KeyPair relayKeys = TestCa.ecKeys();
        relay = RelayServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(TunnelTls.forRelay(relayKeys.getPrivate(),
                        new X509Certificate[] {ca.issueRelay(relayKeys.getPublic())}, List.of(ca.certificate())))
                .deviceAuthorizer(cert -> {
                    relayAccepts.incrementAndGet();
                    return new DeviceIdentity(DEVICE, cert.getSerialNumber().toString(16));
                })
                .ticketKey(ticketKeys.getPublic())
                .listener(new TunnelListener() {
                    @Override
                    public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
                        ups.add(device.deviceId());
                    }

                    @Override
                    public void tunnelDown(DeviceIdentity device, String reason) {
                        downReasons.add(reason);
                    }

                    @Override
                    public CompletionStage<Void> alarmsReceived(DeviceIdentity device, List<Alarm> alarms) {
                        alarmsReceived.addAll(alarms);
                        return CompletableFuture.completedFuture(null);
                    }
                })
                .start();
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/relay", exchange -> {
            relayLookups.incrementAndGet();
            answer(exchange, 200, "{\"relayHost\":\"localhost\",\"relayPort\":" + relay.localAddress().getPort() + "}");
        });
        portal.createContext("/api/agent/v1/site-access", exchange -> answer(exchange, 200, "{}"));
        portal.createContext("/api/agent/v1/wake-progress", this::wakeProgress);
        portal.start();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        relay.close();
        portal.stop(0);
        hmi.close();
    }

    @Test
    void idleDialsNothingAWakeUpSmsDialsAndTheIdleTimeHangsUp() throws Exception {
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).as("connections the relay saw while idle").isZero();
        assertThat(relayLookups.get()).as("relay lookups while idle").isZero();
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);

        long t = Instant.now().getEpochSecond();
        Path file = dropSms(PORTAL_NUMBER, wakeText(DEVICE, t));
        assertThat(progress.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("dialling " + t);
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);
        assertThat(file).doesNotExist();

        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(TunnelError.IDLE_TIMEOUT.description());
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);
        int accepts = relayAccepts.get();
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).as("connections after hanging up").isEqualTo(accepts);
        assertThat(relay.isOnline(DEVICE)).isFalse();
    }

    @Test
    void anOpenStreamKeepsTheTunnelUpAndItHangsUpTheIdleTimeAfterItCloses() throws Exception {
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        dropSms(PORTAL_NUMBER, wakeText(DEVICE, Instant.now().getEpochSecond()));
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);

        Channel stream = relay.openStream(ticket(new LanTarget("127.0.0.1", hmi.localAddress().getPort())))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Thread.sleep(IDLE.multipliedBy(2).toMillis());
        assertThat(relay.isOnline(DEVICE)).as("online with a stream open for twice the idle time").isTrue();
        assertThat(downReasons).isEmpty();

        stream.close().sync();
        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(TunnelError.IDLE_TIMEOUT.description());
    }

    @Test
    void sentOfflineStaysDownAReplayDoesNothingAndTheNextWakeUpDialsAgain() throws Exception {
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        long t = Instant.now().getEpochSecond();
        String wake = wakeText(DEVICE, t);
        dropSms(PORTAL_NUMBER, wake);
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);

        relay.disconnect(DEVICE, TunnelError.SENT_OFFLINE);
        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .contains(TunnelError.SENT_OFFLINE.description());
        eventually(() -> agent.state() == TunnelClient.State.DISABLED);
        assertThat(agent.lastError()).isEqualTo(TunnelError.SENT_OFFLINE);
        int accepts = relayAccepts.get();
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).as("connections after being sent offline").isEqualTo(accepts);

        Path replay = dropSms(PORTAL_NUMBER, wake);
        Path stranger = dropSms("+41799999999", wakeText(DEVICE, t + 1));
        Path forgery = dropSms(PORTAL_NUMBER, wakeText(TestCa.create("not the portal"), DEVICE, t + 2));
        eventually(() -> !Files.exists(replay) && !Files.exists(stranger) && !Files.exists(forgery));
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).as("connections after a replayed, a foreign and a forged wake-up")
                .isEqualTo(accepts);
        assertThat(agent.state()).isEqualTo(TunnelClient.State.DISABLED);

        dropSms(PORTAL_NUMBER, wakeText(DEVICE, t + 3));
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);
        assertThat(progress).contains("dialling " + t, "dialling " + (t + 3));
    }

    @Test
    void anAlwaysConnectedAgentSentOfflineByMistakeComesBackByItself() throws Exception {
        AgentConfig always = new AgentConfig(dir.resolve("identity"), Optional.empty(), Duration.ofSeconds(25),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                List.of(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", hmi.localAddress().getPort())));
        agent = AgentRunner.start(always, registeredDevice(), Clock.systemUTC());
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);

        relay.disconnect(DEVICE, TunnelError.SENT_OFFLINE);
        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .contains(TunnelError.SENT_OFFLINE.description());
        assertThat(ups.poll(WAIT.toSeconds() + AgentRunner.SENT_OFFLINE_RECONNECT.toSeconds(), TimeUnit.SECONDS))
                .as("back online after " + AgentRunner.SENT_OFFLINE_RECONNECT).isEqualTo(DEVICE);
    }

    @Test
    void theKeySwitchOffWinsOverWakeUps() throws Exception {
        Path input = Files.writeString(dir.resolve("key-switch"), "0\n");
        agent = AgentRunner.start(config().withKeySwitch(new KeySwitchConfig(new KeySwitchConfig.FileTarget(input),
                false, Duration.ofMillis(100), false, Optional.empty())), registeredDevice(), Clock.systemUTC());
        long t = Instant.now().getEpochSecond();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger controllerLog = (Logger) LoggerFactory.getLogger(OnDemandController.class);
        controllerLog.addAppender(logs);
        try {
            dropSms(PORTAL_NUMBER, wakeText(DEVICE, t));
            eventually(() -> logs.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith(
                    "but remote access is disabled on site (key switch off): not dialling")));
        } finally {
            controllerLog.detachAppender(logs);
        }
        Files.writeString(input, "1\n"); // on: allows wake-ups, dials nothing by itself
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).as("connections with the switch off, then on without a wake-up").isZero();
        assertThat(progress).isEmpty();

        dropSms(PORTAL_NUMBER, wakeText(DEVICE, t + 1));
        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);
        Files.writeString(input, "0\n");
        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("remote access disabled on site");
    }

    @Test
    void aQueuedAlarmWakesTheDeviceToDeliverIt() throws Exception {
        agent = AgentRunner.start(config().withAlarms(new AlarmsConfig(dir.resolve("alarms"), 100, 1 << 20,
                Optional.empty(), Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 0)))),
                registeredDevice(), Clock.systemUTC());
        Thread.sleep(QUIET.toMillis());
        assertThat(relayAccepts.get()).isZero();

        int port = agent.alarms().orElseThrow().httpAddress().orElseThrow().getPort();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/alarms")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"Tank 2 low\",\"text\":\"8 %\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);

        assertThat(ups.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DEVICE);
        assertThat(alarmsReceived.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).extracting(Alarm::subject)
                .isEqualTo("Tank 2 low");
        assertThat(downReasons.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(TunnelError.IDLE_TIMEOUT.description());
        assertThat(progress).as("no SMS, so no wake-up to report").isEmpty();
    }

    /** Writes a message into the inbox as gammu-smsd does (InboxFormat = unicode: FE FF, UTF-16 big-endian). */
    private Path dropSms(String sender, String text) throws IOException {
        String name = "IN" + LocalDateTime.now(ZoneId.systemDefault()).format(GAMMU_STAMP) + "_"
                + String.format("%02d", smsSerial.getAndIncrement() % 100) + "_" + sender + "_00.txt";
        byte[] body = text.getBytes(StandardCharsets.UTF_16BE);
        byte[] bytes = new byte[body.length + 2];
        bytes[0] = (byte) 0xFE;
        bytes[1] = (byte) 0xFF;
        System.arraycopy(body, 0, bytes, 2, body.length);
        Path temp = Files.write(inbox.resolve("." + name + ".tmp"), bytes);
        return Files.move(temp, inbox.resolve(name));
    }

    private String wakeText(String device, long t) throws Exception {
        return wakeText(ca, device, t);
    }

    /** What the portal sends: GANGWAY WAKE t base64url(CA signature over "gangway-wake-v1\n<device> <t>"). */
    private static String wakeText(TestCa signer, String device, long t) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(signer.keys().getPrivate());
        signature.update(("gangway-wake-v1\n" + device + " " + t).getBytes(StandardCharsets.UTF_8));
        return "GANGWAY WAKE " + t + " " + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }

    /** Verifies the report as the portal does (signature by the certificate's key over the body) and records it. */
    private void wakeProgress(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            JsonNode report = JsonMapper.builder().build().readTree(body);
            X509Certificate certificate = Pem.certificate(report.get("certificate").asString());
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(body);
            String signature = exchange.getRequestHeaders().getFirst("Gangway-Signature");
            if (!verifier.verify(Base64.getDecoder().decode(signature))
                    || !report.get("deviceId").asString().equals(DEVICE)
                    || Instant.parse(report.get("at").asString()) == null) {
                answer(exchange, 403, "{\"error\":\"bad signature\"}");
                return;
            }
            progress.add(report.get("state").asString() + " " + report.get("wake").longValue());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } catch (Exception e) {
            answer(exchange, 400, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String ticket(LanTarget target) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "default", "admin", DEVICE, target,
                Instant.now().plusSeconds(60)), ticketKeys.getPrivate());
    }

    private AgentConfig config() {
        return new AgentConfig(dir.resolve("identity"), Optional.empty(), Duration.ofSeconds(25),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                List.of(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", hmi.localAddress().getPort())))
                .withSms(new SmsConfig(inbox, List.of(PORTAL_NUMBER)))
                .withOnDemand(new OnDemandConfig(IDLE));
    }

    private DeviceCredentials registeredDevice() throws Exception {
        KeyPair keys = TestCa.ecKeys();
        DeviceCredentials credentials = new DeviceCredentials(keys.getPrivate(),
                ca.issueDevice(keys.getPublic(), DEVICE, "SN-1"), List.of(ca.certificate()),
                new DeviceRecord(DEVICE, "Pump 7", "http://127.0.0.1:" + portal.getAddress().getPort(),
                        "localhost", closedPort(), "SN-1", Instant.now().toString()));
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
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

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
