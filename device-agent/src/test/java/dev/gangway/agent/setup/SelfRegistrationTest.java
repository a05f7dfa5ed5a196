package dev.gangway.agent.setup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.ConnectProxy;
import dev.gangway.agent.TestCa;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.EasySetupConfig;
import dev.gangway.agent.config.SmsConfig;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.identity.Pem;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Self-registration against a test portal, one {@code round()} at a time (what {@code await} does every poll), so
 * nothing here waits for time to pass.
 */
class SelfRegistrationTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path dir;

    HttpServer portal;
    TestCa ca;
    /** What the test portal names as its CA (normally {@code ca}). */
    final AtomicReference<TestCa> answeredCa = new AtomicReference<>();
    final AtomicReference<Integer> refuseWith = new AtomicReference<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(SelfRegistration.class);
    Path machineId;

    @BeforeEach
    void startPortal() throws Exception {
        ca = TestCa.create("portal CA");
        answeredCa.set(ca);
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/register", this::register);
        portal.start();
        machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stopPortal() {
        portal.stop(0);
        logger.detachAppender(logs);
    }

    private void register(HttpExchange exchange) throws IOException {
        JsonNode body = SetupFiles.JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(body);
        int status;
        String reply;
        if (refuseWith.get() != null) {
            status = refuseWith.get();
            reply = "{\"error\":\"activation key has already been used\"}";
        } else {
            try (PEMParser parser = new PEMParser(new StringReader(body.get("csr").stringValue()))) {
                PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
                var key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
                String cn = IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue());
                TestCa issuer = answeredCa.get();
                status = 201;
                reply = SetupFiles.JSON.writeValueAsString(Map.of("deviceId", "dev-42", "deviceName", "Press 4",
                        "certificate", Pem.certificate(issuer.issueDevice(key, "dev-42", cn)),
                        "caCertificate", Pem.certificate(issuer.certificate()), "relayHost", "relay.example",
                        "relayPort", 8443));
            } catch (Exception e) {
                status = 500;
                reply = "{\"error\":\"test portal failed\"}";
            }
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String portalUrl() {
        return "http://127.0.0.1:" + portal.getAddress().getPort();
    }

    private AgentConfig config(Optional<URI> portalSetting) {
        return new AgentConfig(dir.resolve("identity"), portalSetting, Duration.ofSeconds(25), Duration.ofSeconds(1),
                Duration.ofSeconds(60), List.of());
    }

    private SelfRegistration registration(AgentConfig config) {
        return new SelfRegistration(config, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(10), machineId);
    }

    private Path stick() throws IOException {
        return Files.createDirectories(dir.resolve("stick"));
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void registersWithTheFileOnTheStickAndRemovesTheKeyFromIt() throws Exception {
        Path stick = stick();
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick)));
        assertThat(registration.round()).as("no stick yet").isEmpty();

        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600))));
        SelfRegistration.Registered registered = registration.round().orElseThrow();

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).get("activationKey").stringValue()).isEqualTo(SetupFiles.KEY);
        DeviceCredentials saved = new IdentityStore(dir.resolve("identity")).load();
        assertThat(saved.device().deviceId()).isEqualTo("dev-42");
        assertThat(saved.device().portal()).isEqualTo(portalUrl());
        assertThat(saved.trustedCas()).containsExactly(ca.certificate());
        assertThat(registered.identity().device().deviceId()).isEqualTo("dev-42");
        assertThat(registered.siteProxy()).isEmpty();
        assertThat(registered.how()).isEqualTo("with the Easy Setup file " + stick.resolve("gangway-setup.json"));

        String rewritten = Files.readString(stick.resolve("gangway-setup.json"));
        assertThat(rewritten).doesNotContain(SetupFiles.KEY).doesNotContain("payload").doesNotContain("signature")
                .contains("\"deviceId\" : \"dev-42\"").contains("\"at\" : \"2026-11-26T08:00:00Z\"");
        assertThat(Files.list(stick).map(p -> p.getFileName().toString())).containsExactly("gangway-setup.json");
        assertThat(messages()).noneMatch(m -> m.contains(SetupFiles.KEY));

        // the used file is refused as used from now on (e.g. after the identity was deleted)
        try {
            EasySetupFile.verify(Files.readAllBytes(stick.resolve("gangway-setup.json")), NOW);
            org.junit.jupiter.api.Assertions.fail("a used file verified");
        } catch (EasySetupException e) {
            assertThat(e.reason()).isEqualTo(EasySetupException.Reason.USED);
        }
    }

    @Test
    void aTamperedFileIsRefusedOnceAndAGoodOneLaterRegisters() throws Exception {
        Path stick = stick();
        Path file = stick.resolve("gangway-setup.json");
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(file)));
        byte[] good = SetupFiles.file(ca, SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600)));
        String tampered = new String(good, StandardCharsets.UTF_8).replaceFirst("\"signature\":\"(.)",
                "\"signature\":\"" + (new String(good, StandardCharsets.UTF_8).contains("\"signature\":\"A") ? "B" : "A"));
        Files.writeString(file, tampered);

        assertThat(registration.round()).isEmpty();
        assertThat(registration.round()).isEmpty();
        assertThat(requests).isEmpty();
        assertThat(messages().stream().filter(m -> m.contains("signature does not match")))
                .as("logged once, not every poll").hasSize(1);
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();

        Files.write(file, good);
        assertThat(registration.round()).isPresent();
        assertThat(new IdentityStore(dir.resolve("identity")).load().device().deviceId()).isEqualTo("dev-42");
    }

    @Test
    void anExpiredFileIsRefusedWithTheFix() throws Exception {
        Path stick = stick();
        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload(portalUrl(), NOW.minusSeconds(60))));
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick)));

        assertThat(registration.round()).isEmpty();
        assertThat(requests).isEmpty();
        assertThat(messages()).anyMatch(m -> m.contains("expired on 2026-11-26T07:59:00Z — make a new activation "
                + "key in the portal"));
    }

    @Test
    void aPortalAnsweringWithAnotherCaThanTheFilesIsRefusedAndNothingSaved() throws Exception {
        answeredCa.set(TestCa.create("another portal"));
        Path stick = stick();
        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600))));
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick)));

        assertThat(registration.round()).isEmpty();
        assertThat(requests).hasSize(1);
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();
        assertThat(messages()).anyMatch(m -> m.contains("answered with another CA certificate than the Easy Setup "
                + "file's"));
        assertThat(Files.readString(stick.resolve("gangway-setup.json"))).contains("payload");
        assertThat(registration.round()).as("the same file is not tried again").isEmpty();
        assertThat(requests).hasSize(1);
    }

    @Test
    void aFileForAnotherPortalThanAgentYmlNamesIsRefused() throws Exception {
        Path stick = stick();
        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600))));
        SelfRegistration registration = registration(config(Optional.of(URI.create("https://portal.example")))
                .withEasySetup(new EasySetupConfig(stick)));

        assertThat(registration.round()).isEmpty();
        assertThat(requests).isEmpty();
        assertThat(messages()).anyMatch(m -> m.contains("the Easy Setup file is for the portal " + portalUrl()
                + ", but the agent's configuration says portal: https://portal.example"));
    }

    @Test
    void aKeyThePortalRefusesIsLoggedAndTheFileKept() throws Exception {
        refuseWith.set(410);
        Path stick = stick();
        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600))));
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick)));

        assertThat(registration.round()).isEmpty();
        assertThat(messages()).anyMatch(m -> m.startsWith("registration with the Easy Setup file ")
                && m.contains("failed: activation key has already been used"));
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();
    }

    @Test
    void anUnreachablePortalIsTriedAgainWithTheSameFile() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path stick = stick();
        Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca,
                SetupFiles.payload("http://127.0.0.1:" + closedPort, NOW.plusSeconds(3600))));
        Clock clock = new TickingClock(NOW);
        SelfRegistration registration = new SelfRegistration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick)), clock, Duration.ofMillis(10), machineId);

        assertThat(registration.round()).isEmpty();
        assertThat(registration.round()).isEmpty();
        assertThat(messages().stream().filter(m -> m.contains("cannot reach the portal"))).hasSizeGreaterThan(1);
        assertThat(messages()).anyMatch(m -> m.contains("trying the Easy Setup file " + stick.resolve(
                "gangway-setup.json") + " again"));
    }

    @Test
    void theFilesProxyIsUsedForTheRegistrationAndKeptForTheTunnel() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy")) {
            Map<String, Object> payload = SetupFiles.payload(portalUrl(), NOW.plusSeconds(3600));
            payload.put("proxy", Map.of("host", "127.0.0.1", "port", proxy.address().getPort(), "auth", "basic",
                    "username", "agent", "password", "pr0xy"));
            Path stick = stick();
            Files.write(stick.resolve("gangway-setup.json"), SetupFiles.file(ca, payload));
            SelfRegistration registration = registration(config(Optional.empty())
                    .withEasySetup(new EasySetupConfig(stick)));

            SelfRegistration.Registered registered = registration.round().orElseThrow();

            assertThat(proxy.requests).anyMatch(r -> r.startsWith("POST " + portalUrl() + "/api/agent/v1/register "));
            ProxySettings kept = registered.siteProxy().orElseThrow();
            assertThat(kept.where()).isEqualTo("127.0.0.1:" + proxy.address().getPort());
            Path settings = dir.resolve("identity").resolve(SiteSettings.FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings))).isEqualTo("rw-------");
            ProxySettings saved = SiteSettings.proxy(dir.resolve("identity")).orElseThrow();
            assertThat(saved.username()).isEqualTo("agent");
            assertThat(saved.password()).isEqualTo("pr0xy");
            assertThat(saved.scheme()).isEqualTo(ProxySettings.Scheme.BASIC);
            assertThat(Files.readString(stick.resolve("gangway-setup.json"))).doesNotContain("pr0xy");
            assertThat(new IdentityStore(dir.resolve("identity")).load().device().deviceId()).isEqualTo("dev-42");
        }
    }

    @Test
    void anActivationSmsForTheConfiguredPortalRegisters() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        SelfRegistration registration = registration(config(Optional.of(URI.create(portalUrl() + "/")))
                .withSms(new SmsConfig(inbox, List.of(), Optional.of("acme"))));
        sms(inbox, "IN20261126_080000_00_+491701234567_00.txt", "Hello, not for you");
        sms(inbox, "IN20261126_080001_00_+491701234567_00.txt", "gangway key " + SetupFiles.KEY.replace("-", "")
                .toLowerCase() + "   " + portalUrl());

        SelfRegistration.Registered registered = registration.round().orElseThrow();

        assertThat(registered.how()).isEqualTo("by SMS from +491701234567");
        assertThat(requests.get(0).get("activationKey").stringValue())
                .isEqualTo(SetupFiles.KEY.replace("-", "").toLowerCase());
        assertThat(new IdentityStore(dir.resolve("identity")).load().device().portal()).isEqualTo(portalUrl());
        assertThat(messages()).anyMatch(m -> m.contains("not an activation SMS"));
        assertThat(Files.list(inbox)).isEmpty();
    }

    @Test
    void anActivationSmsNamingAnotherPortalIsRefused() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        SelfRegistration registration = registration(config(Optional.of(URI.create(portalUrl())))
                .withSms(new SmsConfig(inbox, List.of(), Optional.of("acme"))));
        sms(inbox, "IN20261126_080000_00_+491701234567_00.txt", "GANGWAY KEY " + SetupFiles.KEY
                + " https://evil.example");

        assertThat(registration.round()).isEmpty();
        assertThat(requests).isEmpty();
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();
        assertThat(messages()).contains("activation SMS from +491701234567 refused: it names the portal "
                + "https://evil.example, but this device belongs to portal: " + portalUrl() + " — only an SMS from its "
                + "own portal can register it");
    }

    @Test
    void smsFromSendersNotAllowedAreNotEvenRead() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        SelfRegistration registration = registration(config(Optional.of(URI.create(portalUrl())))
                .withSms(new SmsConfig(inbox, List.of("+41790000000"), Optional.of("acme"))));
        sms(inbox, "IN20261126_080000_00_+491701234567_00.txt", "GANGWAY KEY " + SetupFiles.KEY + " " + portalUrl());

        assertThat(registration.round()).isEmpty();
        assertThat(requests).isEmpty();
    }

    @Test
    void smsAloneWithoutAPortalSettingCannotRegisterAtAll() {
        AgentConfig smsOnly = config(Optional.empty())
                .withSms(new SmsConfig(dir.resolve("inbox"), List.of(), Optional.of("acme")));
        assertThat(SelfRegistration.misconfiguration(smsOnly)).hasValueSatisfying(problem -> {
            assertThat(problem[0]).isEqualTo("portal");
            assertThat(problem[1]).contains("registration by SMS needs the portal's address here");
        });
        assertThat(SelfRegistration.misconfiguration(smsOnly.withEasySetup(new EasySetupConfig(dir)))).isEmpty();
        assertThat(SelfRegistration.misconfiguration(config(Optional.of(URI.create("https://p.example")))
                .withSms(new SmsConfig(dir.resolve("inbox"), List.of(), Optional.of("acme"))))).isEmpty();
    }

    @Test
    void stopEndsTheWaitWithoutARegistration() throws Exception {
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick())));
        registration.stop();
        assertThat(registration.await()).isEmpty();
        assertThat(messages().get(0)).startsWith("This device is not registered yet; waiting for an Easy Setup "
                + "file: gangway-setup.json in " + dir.resolve("stick"));
    }

    @Test
    void anIdentityDirectoryHoldingOtherFilesFailsAtOnce() throws Exception {
        Files.createDirectories(dir.resolve("identity"));
        Files.writeString(dir.resolve("identity").resolve("notes.txt"), "mine");
        SelfRegistration registration = registration(config(Optional.empty())
                .withEasySetup(new EasySetupConfig(stick())));
        try {
            registration.await();
            org.junit.jupiter.api.Assertions.fail("waited for a key it could not save");
        } catch (SelfRegistration.Failure e) {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).startsWith("identity: ").contains("already holds other files");
        }
    }

    private static void sms(Path inbox, String name, String text) throws IOException {
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16BE);
        byte[] content = new byte[utf16.length + 2];
        content[0] = (byte) 0xFE;
        content[1] = (byte) 0xFF;
        System.arraycopy(utf16, 0, content, 2, utf16.length);
        Files.write(inbox.resolve(name), content);
    }

    /** A clock that moves a minute on every read, so every retry is due at once. */
    private static final class TickingClock extends Clock {
        private Instant now;

        TickingClock(Instant start) {
            this.now = start;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusSeconds(60);
            return now;
        }
    }
}
