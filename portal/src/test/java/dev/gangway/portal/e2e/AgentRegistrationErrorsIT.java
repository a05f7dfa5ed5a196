package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a technician gets wrong at the machine: a mistyped key, a key used twice, a key that expired. The real agent
 * jar's {@code register} must exit 2 with the portal's plain-sentence error, and nothing may be half-created: no
 * certificate in the portal, no identity file on the device.
 *
 * <p>Runs the agent on the same host against loopback: no namespaces, no root needed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + AgentRegistrationErrorsIT.ADMIN_PASSWORD,
})
@DirtiesContext
class AgentRegistrationErrorsIT {

    static final String ADMIN_PASSWORD = "e2e-Admin-password-2";
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final FailureReport failureReport = new FailureReport();

    @TempDir
    static Path work;

    static Chromium chromium;
    static AgentJar agentJar;
    static int relayPort;
    static int hmiPort;
    static final List<LoggedProcess> processes = new CopyOnWriteArrayList<>();

    @LocalServerPort
    int portalPort;

    @Autowired
    JdbcTemplate jdbc;

    BrowserContext browser;
    Page page;
    PortalUi portal;

    @BeforeAll
    static void setUp() throws IOException {
        agentJar = AgentJar.locate();
        relayPort = GangwayE2eIT.freePort();
        hmiPort = GangwayE2eIT.freePort();
        chromium = Chromium.launch();
        failureReport.include(() -> processes.stream().map(LoggedProcess::report).collect(Collectors.joining("\n")));
    }

    @AfterAll
    static void tearDown() {
        processes.forEach(LoggedProcess::close);
        if (chromium != null) {
            chromium.close();
        }
    }

    @DynamicPropertySource
    static void portalSettings(DynamicPropertyRegistry registry) {
        registry.add("gangway.data-dir", () -> work.resolve("portal-data").toString());
        registry.add("gangway.relay.port", () -> relayPort);
        registry.add("gangway.hmi.port", () -> hmiPort);
    }

    @BeforeEach
    void signIn() {
        portal = new PortalUi("http://localhost:" + portalPort);
        browser = chromium.newContext();
        page = browser.newPage();
        portal.signIn(page, ADMIN_PASSWORD);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void mistypedKeyIsNotRecognisedAndCreatesNothing() {
        int certificatesBefore = certificates();
        Path identity = work.resolve("identity-wrong-key");

        LoggedProcess register = register("register-wrong-key", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", identity);

        assertThat(register.waitForExit(REGISTER_TIMEOUT)).as(register.output()).isEqualTo(2);
        assertThat(register.output()).contains("activation key not recognised");
        assertThat(filesIn(identity)).as("identity files").isEmpty();
        assertThat(certificates()).isEqualTo(certificatesBefore);
    }

    @Test
    void keyUsedTwiceIsRefusedTheSecondTime() {
        PortalUi.NewDevice device = portal.addDevice(page, uniqueName("Used twice"));
        String deviceId = deviceId(device.name());

        LoggedProcess first = register("register-first", device.activationKey(), work.resolve("identity-first"));
        assertThat(first.waitForExit(REGISTER_TIMEOUT)).as(first.output()).isZero();
        assertThat(first.output()).contains("Registered device " + device.name() + " (" + deviceId + ")");

        Path second = work.resolve("identity-second");
        LoggedProcess again = register("register-again", device.activationKey(), second);

        assertThat(again.waitForExit(REGISTER_TIMEOUT)).as(again.output()).isEqualTo(2);
        assertThat(again.output()).contains("activation key has already been used");
        assertThat(filesIn(second)).as("identity files").isEmpty();
        assertThat(certificatesOf(deviceId)).as("certificates of the device").isEqualTo(1);
    }

    @Test
    void expiredKeyIsRefusedWithItsExpiryDate() {
        PortalUi.NewDevice device = portal.addDevice(page, uniqueName("Expired"));
        String deviceId = deviceId(device.name());
        Instant expired = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        int updated = jdbc.update("update activation_key set expires_at = ? where device_id = ?",
                expired.atOffset(ZoneOffset.UTC), deviceId);
        assertThat(updated).as("activation keys of the device").isEqualTo(1);
        Path identity = work.resolve("identity-expired");

        LoggedProcess register = register("register-expired", device.activationKey(), identity);

        assertThat(register.waitForExit(REGISTER_TIMEOUT)).as(register.output()).isEqualTo(2);
        assertThat(register.output()).contains("activation key expired on")
                .contains(expired.toString().substring(0, 10));
        assertThat(filesIn(identity)).as("identity files").isEmpty();
        assertThat(certificatesOf(deviceId)).as("certificates of the device").isZero();
        assertThat(jdbc.queryForObject("select serial from device where id = ?", String.class, deviceId))
                .as("device serial recorded").isNull();
    }

    private LoggedProcess register(String name, String key, Path identity) {
        LoggedProcess process = LoggedProcess.start(name, agentJar.register("http://127.0.0.1:" + portalPort, key,
                identity, "E2E-" + UUID.randomUUID()), work.resolve("logs").resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    private String deviceId(String deviceName) {
        return jdbc.queryForObject("select id from device where name = ?", String.class, deviceName);
    }

    private int certificates() {
        return jdbc.queryForObject("select count(*) from device_certificate", Integer.class);
    }

    private int certificatesOf(String deviceId) {
        return jdbc.queryForObject("select count(*) from device_certificate where device_id = ?", Integer.class,
                deviceId);
    }

    private static String uniqueName(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every file under {@code dir} (none when it does not exist). */
    private static List<Path> filesIn(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }
}
