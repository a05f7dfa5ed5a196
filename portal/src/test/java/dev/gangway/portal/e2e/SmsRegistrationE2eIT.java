package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.device.DeviceTunnels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 5, must-show 1, registration by SMS: the portal's generic HTTP SMS provider points at {@link SmsSpool}, which
 * writes each SMS into the agent's gammu-smsd inbox directory as the modem would. The administrator clicks "Send the
 * key by SMS" on the activation page; the real agent process, started with {@code run} only, reads
 * {@code GANGWAY KEY <key> <portal>} from its inbox, registers and comes online. A replacement box registered the same
 * way with a new key for the device entry takes over and the old box's certificate is refused. An SMS naming another
 * portal than the agent's {@code portal:} — here the same portal under another address — is refused and spends no key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + SmsRegistrationE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class SmsRegistrationE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-SmsReg-admin-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MODEM = "+4915112345678";
    private static final String SIM = "+491701234567";
    private static final String REFUSED = "refused this device's certificate";
    private static final Pattern DEVICE_URL = Pattern.compile(".*/devices/([^/]+)/activation$");

    static SmsSpool sms;

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void startTheSmsNetwork() {
        sms = SmsSpool.start(work.resolve("sms-inbox-unused"), MODEM);
    }

    @AfterAll
    static void stopTheSmsNetwork() {
        if (sms != null) {
            sms.close();
        }
    }

    @DynamicPropertySource
    static void smsProvider(DynamicPropertyRegistry registry) {
        SmsSpool.properties(registry, () -> sms);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theAgentRegistersWithTheKeyItGetsBySmsAndAReplacementTakesOver() throws Exception {
        PortalUi portal = new PortalUi(portalUrl());
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            String name = "SMS press " + UUID.randomUUID().toString().substring(0, 8);
            PortalUi.NewDevice device = portal.addDevice(page, name);
            String deviceId = deviceIdOf(page);

            // the key by SMS to a new box that waits for it
            Path inbox = work.resolve("inbox-1");
            sms.inbox(inbox);
            LoggedProcess first = lab.start(lab.site(), "sms-agent-1", agentJar.run(SelfRegisteringAgents.sms(
                    work.resolve("sms-agent-1.yml"), work.resolve("sms-identity-1"), portalUrl(), inbox, MODEM,
                    lab.lanHostAddress(), LAN_HMI_PORT)));
            await().atMost(WAIT).until(() -> first.output().contains("This device is not registered yet; waiting "
                    + "for an activation SMS in " + inbox));
            sendKeyBySms(page, SIM);
            assertThat(sms.textsTo(SIM)).containsExactly("GANGWAY KEY " + device.activationKey() + " "
                    + portalUrl());
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            await().atMost(WAIT).until(() -> first.output().contains("tunnel connected"));
            assertThat(first.output()).contains("Registered device " + name + " (" + deviceId + ") by SMS from "
                    + MODEM).doesNotContain(device.activationKey());
            assertThat(jdbc.queryForList("select result from audit_event where action = 'activation-key.sms' and "
                    + "device_id = ?", String.class, deviceId)).containsExactly("ok");

            // a replacement box: New activation key on the device page, sent by SMS again
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            page.locator("#new-activation-key").click();
            PlaywrightAssertions.assertThat(page.locator("#activation-key")).isVisible();
            String newKey = page.locator("#activation-key").textContent().strip();
            Path inbox2 = work.resolve("inbox-2");
            sms.inbox(inbox2);
            LoggedProcess second = lab.start(lab.site(), "sms-agent-2", agentJar.run(SelfRegisteringAgents.sms(
                    work.resolve("sms-agent-2.yml"), work.resolve("sms-identity-2"), portalUrl(), inbox2, MODEM,
                    lab.lanHostAddress(), LAN_HMI_PORT)));
            sendKeyBySms(page, SIM);
            assertThat(sms.textsTo(SIM)).last().isEqualTo("GANGWAY KEY " + newKey + " " + portalUrl());
            await().atMost(WAIT).until(() -> second.output().contains("tunnel connected"));
            await().atMost(WAIT).until(() -> first.output().contains(REFUSED));
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            assertThat(count(first.output(), "tunnel connected")).as(first.output()).isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from device_certificate where device_id = ?"
                    + " and revoked_at is null", Integer.class, deviceId)).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anSmsNamingAnotherPortalIsRefusedAndSpendsNoKey() throws Exception {
        // the administrator uses the portal under another address (http://localhost:<port>); the SMS names that one,
        // and the agent, whose portal: is the site-link address, must not follow it
        PortalUi elsewhere = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            elsewhere.signIn(page, ADMIN_PASSWORD);
            PortalUi.NewDevice device = elsewhere.addDevice(page, "Elsewhere " + UUID.randomUUID().toString()
                    .substring(0, 8));
            String deviceId = deviceIdOf(page);
            Path inbox = work.resolve("inbox-elsewhere");
            sms.inbox(inbox);
            LoggedProcess agent = lab.start(lab.site(), "sms-agent-elsewhere", agentJar.run(SelfRegisteringAgents.sms(
                    work.resolve("sms-agent-elsewhere.yml"), work.resolve("sms-identity-elsewhere"), portalUrl(),
                    inbox, MODEM, lab.lanHostAddress(), LAN_HMI_PORT)));
            sendKeyBySms(page, SIM);
            assertThat(sms.textsTo(SIM)).last().isEqualTo("GANGWAY KEY " + device.activationKey()
                    + " http://localhost:" + portalPort);

            await().atMost(WAIT).until(() -> agent.output().contains("activation SMS from " + MODEM + " refused: "
                    + "it names the portal http://localhost:" + portalPort + ", but this device belongs to portal: "
                    + portalUrl() + " — only an SMS from its own portal can register it"));
            assertThat(agent.isAlive()).isTrue();
            assertThat(agent.output()).doesNotContain("Registered device").doesNotContain(device.activationKey());
            assertThat(jdbc.queryForObject("select count(*) from activation_key where device_id = ? and used_at"
                    + " is not null", Integer.class, deviceId)).isZero();
            assertThat(tunnels.isOnline(deviceId)).isFalse();
        }
    }

    /** Activation page → phone number → "Send the key by SMS"; the page confirms it was sent. */
    private static void sendKeyBySms(Page page, String phone) {
        page.locator("#sms-phone").fill(phone);
        page.locator("#send-activation-sms").click();
        PlaywrightAssertions.assertThat(page.locator("#sms-message")).containsText("sent by SMS to " + phone);
        PlaywrightAssertions.assertThat(page.locator("#activation-key")).isVisible();
    }

    private static String deviceIdOf(Page page) {
        Matcher matcher = DEVICE_URL.matcher(page.url());
        assertThat(matcher.matches()).as(page.url()).isTrue();
        return matcher.group(1);
    }

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
