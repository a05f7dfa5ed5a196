package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 3, as an account administrator and an outside technician live it: the admin builds a group, a pool and a
 * user in the web pages and grants the group "open web HMIs" on the pool; the technician accepts the e-mailed
 * invitation, enrols an authenticator app (required by the admin), signs in again with a code, sees only the pool's
 * device, opens its HMI through the real agent, and is refused the other device by direct URL; the admin then
 * finds the session in the connection report with its duration and bytes, and in the CSV export.
 *
 * <p>Real portal in this JVM, real agent and demo HMI in network namespaces, real Chromium, real SMTP (GreenMail).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + GangwayAccountsE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class GangwayAccountsE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-Admin-password-1";
    private static final String TECH_PASSWORD = "Tech-passw0rd-" + UUID.randomUUID().toString().substring(0, 6);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mailSettings(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> mail.getSmtp().getPort());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void adminGrantsAPoolToAGroupAndTheTechnicianReachesOnlyThatPoolWithTotp() throws Exception {
        LoggedProcess hmi = lab.start(lab.lan(), "demo-hmi", agentJar.demoHmi(lab.lanHostAddress(), LAN_HMI_PORT));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), LAN_HMI_PORT, hmi, WAIT);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);

        String granted;
        String other;
        String inviteLink;
        String techName = "tech-" + suffix;
        try (BrowserContext adminBrowser = chromium.newContext()) {
            Page admin = adminBrowser.newPage();
            portal.signIn(admin, ADMIN_PASSWORD);

            // two machines: the one the technician will service, and one they must never reach
            granted = commission(portal, admin, "Press line " + suffix);
            other = portal.addDevice(admin, "Paint shop " + suffix).name();
            String otherId = portal.deviceIdOf(admin, other);

            String group = portal.createListed(admin, "/admin/groups", "#group-name", "#create-group",
                    "Service team " + suffix, "#group-list tr.group");
            String pool = portal.createListed(admin, "/admin/pools", "#pool-name", "#create-pool",
                    "Line " + suffix, "#pool-list tr.pool");
            String grantedId = portal.deviceIdOf(admin, granted);

            admin.navigate(portal.baseUrl() + "/admin/pools/" + pool);
            admin.locator("#add-device").selectOption(grantedId);
            admin.locator("#add-device-button").click();
            PlaywrightAssertions.assertThat(admin.locator("tr.pool-device")).hasCount(1);
            PlaywrightAssertions.assertThat(admin.locator("tr.pool-device")).containsText(granted);

            // the technician: invited by e-mail, two-factor required by the admin
            admin.navigate(portal.baseUrl() + "/admin/users/new");
            admin.locator("#username").fill(techName);
            admin.locator("#email").fill(techName + "@example.test");
            admin.locator("#require-two-factor").check();
            admin.locator("#create-user").click();
            admin.waitForURL(Pattern.compile(".*/admin/users/[0-9a-f-]{36}$"));
            String techId = PortalUi.lastPathSegment(admin.url());
            inviteLink = admin.locator("#invite-link").textContent().strip();
            assertThat(inviteLink).contains("/password/set?token=");
            assertThat(mail.waitForIncomingEmail(WAIT.toMillis(), 1)).as("invitation mail arrived").isTrue();
            MimeMessage invitation = mail.getReceivedMessagesForDomain("example.test")[0];
            assertThat(GreenMailUtil.getBody(invitation)).as("the mailed invitation holds the link shown")
                    .contains(inviteLink.substring(inviteLink.indexOf("/password/set")));

            admin.navigate(portal.baseUrl() + "/admin/groups/" + group);
            admin.locator("#add-member-user").selectOption(techId);
            admin.locator("#add-member").click();
            PlaywrightAssertions.assertThat(admin.locator("tr.member")).containsText(techName);

            admin.navigate(portal.baseUrl() + "/admin/rights");
            admin.locator("input[name=grant][value=\"" + group + ":" + pool + ":OPEN_WEB_HMI\"]").check();
            admin.locator("#save-rights").click();
            admin.navigate(portal.baseUrl() + "/admin/rights");
            PlaywrightAssertions.assertThat(admin.locator("input[name=grant][value=\"" + group + ":" + pool
                    + ":OPEN_WEB_HMI\"]")).isChecked();

            try (BrowserContext techBrowser = chromium.newContext()) {
                Page tech = techBrowser.newPage();
                // invitation → own password
                tech.navigate(inviteLink);
                tech.locator("#new-password").fill(TECH_PASSWORD);
                tech.locator("#repeat-password").fill(TECH_PASSWORD);
                tech.locator("#set-password").click();
                tech.waitForURL(Pattern.compile(".*/login\\?password-set.*"));

                // first sign-in: the required authenticator app is enrolled on the way
                portal.enterPassword(tech, PortalUi.ACCOUNT, techName, TECH_PASSWORD);
                tech.waitForURL(Pattern.compile(".*/login/enrol-two-factor.*"));
                String secret = tech.locator("#totp-secret").textContent().replace(" ", "").strip();
                long enrolStep = Totp.step(Instant.now());
                tech.locator("#totp-code").fill(Totp.code(secret, enrolStep));
                tech.locator("#enable-totp").click();
                PlaywrightAssertions.assertThat(tech.locator("#recovery-codes li")).hasCount(10);
                tech.locator("#sign-out").click();
                tech.waitForURL(Pattern.compile(".*/login.*"));

                // signing in again: password, then a fresh code (each code works once, so wait for the next step)
                portal.enterPassword(tech, PortalUi.ACCOUNT, techName, TECH_PASSWORD);
                tech.waitForURL(Pattern.compile(".*/login/two-factor.*"));
                long step = awaitStepAfter(enrolStep);
                tech.locator("#code").fill(Totp.code(secret, step));
                tech.locator("#verify").click();
                tech.waitForURL(Pattern.compile(".*/devices$"));

                // only the pool's device is listed
                PlaywrightAssertions.assertThat(PortalUi.deviceRow(tech, granted)).hasCount(1);
                PlaywrightAssertions.assertThat(PortalUi.deviceRow(tech, other)).hasCount(0);
                PlaywrightAssertions.assertThat(tech.locator("#device-list tr.device")).hasCount(1);

                // the HMI opens
                tech.navigate(portal.baseUrl() + "/devices/" + grantedId);
                Locator hmiService = tech.locator("#services li.service[data-service=hmi]");
                Page hmiPage = GangwayE2eIT.open(techBrowser, tech, hmiService.locator("button.open-hmi"));
                PlaywrightAssertions.assertThat(hmiPage).hasTitle("Demo HMI");
                PlaywrightAssertions.assertThat(hmiPage.locator("#hmi-title")).isVisible();
                hmiPage.reload();
                PlaywrightAssertions.assertThat(hmiPage.locator("#hmi-title")).isVisible();

                // the other device, by direct URL: refused like an id that does not exist
                Response refused = tech.navigate(portal.baseUrl() + "/devices/" + otherId);
                assertThat(refused.status()).as("direct URL to a device outside the user's pools").isEqualTo(404);
                assertThat(refused.text()).doesNotContain(other);

                // signing out ends the HMI session, which closes its connection record
                tech.navigate(portal.baseUrl() + "/devices");
                tech.locator("#sign-out").click();
                tech.waitForURL(Pattern.compile(".*/login.*"));
            }

            // the admin finds the session in the connection report, with duration and bytes
            admin.navigate(portal.baseUrl() + "/admin/connections");
            admin.locator("#filter-user").fill(techName);
            admin.locator("#apply-filter").click();
            Locator row = admin.locator("#connection-list tr.connection");
            PlaywrightAssertions.assertThat(row).hasCount(1);
            PlaywrightAssertions.assertThat(row.locator("td.user")).containsText(techName);
            PlaywrightAssertions.assertThat(row.locator("td.device")).containsText(granted);
            PlaywrightAssertions.assertThat(row.locator("td.service")).containsText("hmi");
            PlaywrightAssertions.assertThat(row.locator("td.ended")).not().hasText("open");
            assertThat(row.locator("td.duration").textContent().strip()).matches("\\d+:\\d{2}:\\d{2}");
            assertThat(bytes(row.locator("td.bytes-out"))).as("bytes to the browser").isGreaterThan(1_000);
            assertThat(bytes(row.locator("td.bytes-in"))).as("bytes from the browser").isGreaterThan(100);

            Download csv = admin.waitForDownload(() -> admin.locator("#export-csv").click());
            String exported = Files.readString(csv.path());
            assertThat(exported.lines().filter(line -> line.contains(techName)).count())
                    .as("CSV rows of the technician:\n" + exported).isEqualTo(1);
            assertThat(exported).contains(granted);
        }
    }

    /** Adds a device in the pages, registers the real agent with its key and runs it; returns the device name. */
    private String commission(PortalUi portal, Page admin, String name) {
        PortalUi.NewDevice device = portal.addDevice(admin, name);
        Path identity = work.resolve("identity-" + UUID.randomUUID());
        NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                "E2E-" + UUID.randomUUID()));
        assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
        Path config = AgentJar.writeConfig(work.resolve("agent-" + UUID.randomUUID() + ".yml"), identity,
                lab.lanHostAddress(), LAN_HMI_PORT);
        LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));
        admin.navigate(portal.baseUrl() + "/devices");
        PlaywrightAssertions.assertThat(PortalUi.statusOf(PortalUi.deviceRow(admin, name)))
                .hasAttribute("data-status", "online");
        assertThat(agent.isAlive()).isTrue();
        return name;
    }

    /** Exact byte count of a report cell: the title attribute holds it, else the text's digits. */
    private static long bytes(Locator cell) {
        String title = cell.getAttribute("title");
        String text = title != null && !title.isBlank() ? title : cell.textContent();
        Matcher digits = Pattern.compile("[\\d,]+").matcher(text);
        assertThat(digits.find()).as("a number in " + text).isTrue();
        return Long.parseLong(digits.group().replace(",", ""));
    }

    /** Waits until the TOTP time step is past {@code used} and returns the current step. */
    private static long awaitStepAfter(long used) throws InterruptedException {
        while (true) {
            long now = Totp.step(Instant.now());
            if (now > used) {
                return now;
            }
            Thread.sleep(500);
        }
    }
}
