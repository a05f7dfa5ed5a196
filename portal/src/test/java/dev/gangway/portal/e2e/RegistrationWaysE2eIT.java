package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Issue 5, must-show 1 for two of the four ways, with real agent processes in the site's network namespace: by device
 * name (a technician with "Manage devices" on a pool), and replacement, by a new activation key for the same device
 * entry and by registering the same name again. Each ends with the device online through the new identity and the
 * old one refused: the relay drops its tunnel at once and refuses its certificate as revoked (the old agent logs so
 * and never comes back online). A copied identity directory run twice holds one tunnel only (DUPLICATE_TUNNEL).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + RegistrationWaysE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class RegistrationWaysE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-RegWays-admin-1";
    private static final String TECH_PASSWORD = "e2e-RegWays-tech-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final String REFUSED = "refused this device's certificate";
    private static final Pattern REGISTERED = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)");

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PasswordEncoder encoder;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void byNameThenANewKeyThenTheSameNameAgainEachTakesOverAndTheOldIdentityIsRefused() throws Exception {
        PortalUser tech = technician();
        Path passwordFile = Files.writeString(work.resolve("tech-password"), TECH_PASSWORD + "\n");
        String deviceName = "Press by name " + UUID.randomUUID().toString().substring(0, 8);

        // (a) by name: a technician holding "Manage devices" on one pool
        Path first = work.resolve("identity-1");
        String deviceId = registeredId(lab.run(lab.site(), COMMAND, agentJar.registerByName(portalUrl(),
                PortalUi.ACCOUNT, tech.username(), passwordFile, deviceName, first, "NAME-1")));
        assertThat(jdbc.queryForList("select p.name from pool_device d join device_pool p on p.id = d.pool_id"
                + " where d.device_id = ?", String.class, deviceId)).containsExactly("Line");
        LoggedProcess agent1 = startAgent("agent-1", first);
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        await().atMost(WAIT).until(() -> agent1.output().contains("tunnel connected"));

        // (b) replacement by a new activation key for the same device entry (the device page's button)
        String key = newActivationKey(deviceId);
        Path second = work.resolve("identity-2");
        assertThat(registeredId(lab.run(lab.site(), COMMAND, agentJar.register(portalUrl(), key, second,
                "KEY-2")))).isEqualTo(deviceId);
        assertOldIdentityRefused(agent1, deviceId);
        LoggedProcess agent2 = startAgent("agent-2", second);
        await().atMost(WAIT).until(() -> agent2.output().contains("tunnel connected"));
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        assertThat(agent1.output()).contains(REFUSED);

        // (c) the same name again from a third box takes the device over; the second box is refused
        Path third = work.resolve("identity-3");
        assertThat(registeredId(lab.run(lab.site(), COMMAND, agentJar.registerByName(portalUrl(),
                PortalUi.ACCOUNT, tech.username(), passwordFile, deviceName, third, "NAME-3")))).isEqualTo(deviceId);
        assertOldIdentityRefused(agent2, deviceId);
        LoggedProcess agent3 = startAgent("agent-3", third);
        await().atMost(WAIT).until(() -> agent3.output().contains("tunnel connected"));
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        assertThat(count(agent1.output(), "tunnel connected")).isEqualTo(1);
        assertThat(count(agent2.output(), "tunnel connected")).isEqualTo(1);
        assertThat(jdbc.queryForList("select detail from audit_event where action = 'device.register'"
                + " and device_id = ? order by occurred_at", String.class, deviceId))
                .hasSize(3)
                .satisfies(rows -> {
                    assertThat(rows.get(0)).startsWith("by name by " + tech.getName() + ", serial NAME-1");
                    assertThat(rows.get(1)).startsWith("serial KEY-2");
                    assertThat(rows.get(2)).startsWith("by name by " + tech.getName() + ", taking over the device");
                });
        assertThat(jdbc.queryForObject("select count(*) from device_certificate where device_id = ?"
                + " and revoked_at is null", Integer.class, deviceId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select device_serial from device_certificate where device_id = ?"
                + " and revoked_at is null", String.class, deviceId)).isEqualTo("NAME-3");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aCopiedIdentityRunTwiceHoldsOneTunnel() throws Exception {
        PortalUser tech = technician();
        Path passwordFile = Files.writeString(work.resolve("tech-password-copy"), TECH_PASSWORD + "\n");
        Path original = work.resolve("identity-original");
        String deviceId = registeredId(lab.run(lab.site(), COMMAND, agentJar.registerByName(portalUrl(),
                PortalUi.ACCOUNT, tech.username(), passwordFile, "Copied " + UUID.randomUUID(), original, "COPY-1")));
        Path copy = work.resolve("identity-copy");
        copyDirectory(original, copy);

        LoggedProcess agent = startAgent("agent-original", original);
        await().atMost(WAIT).until(() -> agent.output().contains("tunnel connected"));
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        LoggedProcess clone = startAgent("agent-copy", copy);
        await().atMost(WAIT).until(() -> clone.output().contains("this certificate already holds a live tunnel"));

        assertThat(clone.output()).doesNotContain("tunnel connected");
        assertThat(agent.isAlive()).isTrue();
        assertThat(count(agent.output(), "tunnel connected")).isEqualTo(1);
        assertThat(agent.output()).doesNotContain("tunnel lost");
        assertThat(tunnels.isOnline(deviceId)).isTrue();
    }

    /**
     * The previous box's tunnel is dropped at once and its certificate refused as revoked when it dials again; it
     * never comes back online.
     */
    private void assertOldIdentityRefused(LoggedProcess old, String deviceId) {
        await().atMost(WAIT).until(() -> old.output().contains(REFUSED));
        assertThat(count(old.output(), "tunnel connected")).as(old.output()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from device_certificate where device_id = ?"
                + " and revoked_at is null", Integer.class, deviceId)).isEqualTo(1);
    }

    /** A user of the default account with "Manage devices" on the pool "Line" and a password. */
    private PortalUser technician() {
        String accountId = jdbc.queryForObject("select id from account where name = ?", String.class,
                PortalUi.ACCOUNT);
        String adminId = jdbc.queryForObject("select id from app_user where account_id = ? and username = ?",
                String.class, accountId, PortalUi.ADMIN);
        PortalUser admin = new PortalUser(adminId, PortalUi.ADMIN, accountId, PortalUi.ACCOUNT);
        RightsTestData data = new RightsTestData(jdbc);
        List<String> lines = jdbc.queryForList("select id from device_pool where account_id = ? and name = 'Line'",
                String.class, accountId);
        String pool = lines.isEmpty() ? data.pool(accountId, "Line") : lines.get(0);
        PortalUser tech = data.userWith(admin, pool, Right.MANAGE_DEVICES);
        jdbc.update("update app_user set password_hash = ? where id = ?", encoder.encode(TECH_PASSWORD),
                tech.userId());
        return tech;
    }

    /** Device page → "New activation key", as an administrator does for a replacement box. */
    private String newActivationKey(String deviceId) {
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            page.locator("#new-activation-key").click();
            Locator key = page.locator("#activation-key");
            PlaywrightAssertions.assertThat(key).isVisible();
            return key.textContent().strip();
        }
    }

    private LoggedProcess startAgent(String name, Path identity) {
        Path config = AgentJar.writeConfig(work.resolve(name + ".yml"), identity, lab.lanHostAddress(),
                LAN_HMI_PORT);
        return lab.start(lab.site(), name, agentJar.run(config));
    }

    private String portalUrl() {
        return "http://" + lab.portalSideAddress() + ":" + portalPort;
    }

    private static String registeredId(NetworkLab.Result result) {
        assertThat(result.exitCode()).as("register output:\n" + result.output()).isZero();
        Matcher matcher = REGISTERED.matcher(result.output());
        assertThat(matcher.find()).as(result.output()).isTrue();
        return matcher.group(2);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static void copyDirectory(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
