package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 5, must-show 1, the Easy Setup file: the administrator downloads {@code gangway-setup.json} from the activation
 * page (a real browser download), the test copies it onto the "stick" (a directory the agent's configuration names as
 * {@code easy-setup.path}), and a real agent process started with {@code run} only — no {@code register} — registers,
 * comes online, and removes the key from the file. A replacement box gets its file for the same device entry (New
 * activation key) and takes over: the old box's certificate is refused. A file with one byte of its portal address
 * changed and one that has expired (signed by the portal's CA, so only its date is wrong) are refused with their
 * messages in the agent's output while it keeps waiting; the good file then registers it.
 *
 * <p>The browser reaches the portal at its address on the site link ({@code 198.18.x.y}), which is what the portal
 * writes into the file (no {@code gangway.portal.public-url} is set), so the agent in its namespace can reach it too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + EasySetupE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class EasySetupE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-EasySetup-admin-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String REFUSED = "refused this device's certificate";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DEVICE_URL = Pattern.compile(".*/devices/([^/]+)/activation$");

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CertificateAuthority authority;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aNewDeviceRegistersFromItsFileAndAReplacementBoxTakesOverWithANewOne() throws Exception {
        PortalUi portal = new PortalUi(portalUrl());
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            PortalUi.NewDevice device = portal.addDevice(page, "Easy press " + UUID.randomUUID().toString()
                    .substring(0, 8));
            String deviceId = deviceIdOf(page);
            Path stick = Files.createDirectories(work.resolve("stick-1"));
            download(page, stick);
            String downloaded = Files.readString(stick.resolve("gangway-setup.json"));
            assertThat(payload(downloaded).get("activationKey").stringValue()).isEqualTo(device.activationKey());
            assertThat(payload(downloaded).get("portal").stringValue()).isEqualTo(portalUrl());

            Path identity = work.resolve("easy-identity-1");
            LoggedProcess first = lab.start(lab.site(), "easy-agent-1", agentJar.run(SelfRegisteringAgents.easySetup(
                    work.resolve("easy-agent-1.yml"), identity, stick, lab.lanHostAddress(), LAN_HMI_PORT)));
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            await().atMost(WAIT).until(() -> first.output().contains("tunnel connected"));
            assertThat(first.output()).contains("This device is not registered yet; waiting for an Easy Setup file",
                    "Registered device " + device.name() + " (" + deviceId + ") with the Easy Setup file "
                            + stick.resolve("gangway-setup.json"))
                    .doesNotContain(device.activationKey());
            String used = Files.readString(stick.resolve("gangway-setup.json"));
            assertThat(used).doesNotContain(device.activationKey()).doesNotContain("\"payload\"")
                    .contains("\"used\"", deviceId);
            assertThat(Files.exists(identity.resolve("device-cert.pem"))).isTrue();
            assertThat(jdbc.queryForObject("select count(*) from audit_event where action = "
                    + "'activation-key.easy-setup' and device_id = ?", Integer.class, deviceId)).isEqualTo(1);

            // a replacement box: a new key for the same device entry, its own file
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            page.locator("#new-activation-key").click();
            PlaywrightAssertions.assertThat(page.locator("#activation-key")).isVisible();
            String newKey = page.locator("#activation-key").textContent().strip();
            Path stick2 = Files.createDirectories(work.resolve("stick-2"));
            download(page, stick2);
            LoggedProcess second = lab.start(lab.site(), "easy-agent-2", agentJar.run(SelfRegisteringAgents.easySetup(
                    work.resolve("easy-agent-2.yml"), work.resolve("easy-identity-2"), stick2, lab.lanHostAddress(),
                    LAN_HMI_PORT)));
            await().atMost(WAIT).until(() -> second.output().contains("tunnel connected"));
            await().atMost(WAIT).until(() -> first.output().contains(REFUSED));
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            assertThat(count(first.output(), "tunnel connected")).as(first.output()).isEqualTo(1);
            assertThat(Files.readString(stick2.resolve("gangway-setup.json"))).doesNotContain(newKey);
            assertThat(jdbc.queryForObject("select count(*) from device_certificate where device_id = ?"
                    + " and revoked_at is null", Integer.class, deviceId)).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTamperedAndAnExpiredFileAreRefusedAndTheAgentWaitsForAGoodOne() throws Exception {
        PortalUi portal = new PortalUi(portalUrl());
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            PortalUi.NewDevice device = portal.addDevice(page, "Guarded press " + UUID.randomUUID().toString()
                    .substring(0, 8));
            String deviceId = deviceIdOf(page);
            Path download = Files.createDirectories(work.resolve("downloads"));
            download(page, download);
            String good = Files.readString(download.resolve("gangway-setup.json"));

            Path stick = Files.createDirectories(work.resolve("stick-guarded"));
            Files.writeString(stick.resolve("gangway-setup.json"), tamperPortal(good));
            LoggedProcess agent = lab.start(lab.site(), "easy-agent-guarded", agentJar.run(
                    SelfRegisteringAgents.easySetup(work.resolve("easy-agent-guarded.yml"),
                            work.resolve("easy-identity-guarded"), stick, lab.lanHostAddress(), LAN_HMI_PORT)));
            await().atMost(WAIT).until(() -> agent.output().contains("the Easy Setup file was changed after the "
                    + "portal made it (signature does not match) — download a new one"));

            Instant past = Instant.parse("2026-01-02T03:04:05Z");
            Files.writeString(stick.resolve("gangway-setup.json"), expired(good, past));
            await().atMost(WAIT).until(() -> agent.output().contains("the Easy Setup file for " + device.name()
                    + " expired on 2026-01-02T03:04:05Z — make a new activation key in the portal"));
            assertThat(agent.isAlive()).isTrue();
            assertThat(Files.exists(work.resolve("easy-identity-guarded"))).isFalse();
            assertThat(jdbc.queryForObject("select count(*) from activation_key where device_id = ? and used_at"
                    + " is not null", Integer.class, deviceId)).as("no key spent").isZero();

            Files.writeString(stick.resolve("gangway-setup.json"), good);
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            assertThat(agent.output()).doesNotContain(device.activationKey());
        }
    }

    /** Clicks "Download Easy Setup file" and saves the download as {@code gangway-setup.json} in {@code directory}. */
    private static void download(Page page, Path directory) {
        Download download = page.waitForDownload(() -> page.locator("#download-easy-setup").click());
        assertThat(download.suggestedFilename()).isEqualTo("gangway-setup.json");
        download.saveAs(directory.resolve("gangway-setup.json"));
    }

    /** The file with one byte of the portal address in its payload changed (the signature left as it was). */
    private static String tamperPortal(String file) {
        ObjectNode outer = (ObjectNode) JSON.readTree(file);
        String payload = new String(Base64.getUrlDecoder().decode(outer.get("payload").stringValue()),
                StandardCharsets.UTF_8);
        int at = payload.indexOf("\"portal\":\"http://") + "\"portal\":\"http://".length();
        char changed = payload.charAt(at) == '1' ? '2' : '1';
        String tampered = payload.substring(0, at) + changed + payload.substring(at + 1);
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(tampered.getBytes(
                StandardCharsets.UTF_8)));
        return JSON.writeValueAsString(outer);
    }

    /** The file with an expiry in the past, signed again by the portal's CA: only its date is wrong. */
    private String expired(String file, Instant expiresAt) {
        ObjectNode outer = (ObjectNode) JSON.readTree(file);
        ObjectNode payload = (ObjectNode) payload(file);
        payload.put("expiresAt", expiresAt.toString());
        byte[] bytes = JSON.writeValueAsBytes(payload);
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        outer.put("payload", base64url.encodeToString(bytes));
        outer.put("signature", base64url.encodeToString(authority.signStatement("easy-setup-v1", bytes)));
        return JSON.writeValueAsString(outer);
    }

    private static JsonNode payload(String file) {
        return JSON.readTree(Base64.getUrlDecoder().decode(JSON.readTree(file).get("payload").stringValue()));
    }

    private static String deviceIdOf(Page page) {
        Matcher matcher = DEVICE_URL.matcher(page.url());
        assertThat(matcher.matches()).as(page.url()).isTrue();
        return matcher.group(1);
    }

    /** The portal as the browser and the agent reach it: its address on the site link. */
    private String portalUrl() {
        return "http://" + lab.portalSideAddress() + ":" + portalPort;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }
}
