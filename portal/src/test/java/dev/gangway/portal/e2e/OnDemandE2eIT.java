package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.device.DeviceTunnels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
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
 * Issue 5, must-show 3: an on-demand device. A real agent process in the site's network namespace, configured with
 * an SMS inbox (gammu-smsd's files backend) and {@code on-demand:}, starts without a tunnel; the portal's generic HTTP
 * SMS provider points at {@link SmsSpool}, which delivers each SMS into that inbox as the modem would. In Chromium:
 * the device is made on demand with its SIM's number on its page ("asleep (on demand)"), Connect sends the signed
 * wake-up SMS, the page shows the steps live (SMS sent, dialling, online), the HMI behind the agent opens; with the
 * browser gone, the agent's idle timeout hangs up and the portal shows it asleep again, the report and the audit log
 * saying why. Woken again, "Send offline" drops the tunnel at once, and it stays down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + OnDemandE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
        "gangway.on-demand.min-between-wakes=0s",
})
@DirtiesContext
class OnDemandE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-OnDemand-admin-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The agent's idle time (its smallest allowed); the page waits this long and a margin for "asleep". */
    private static final int IDLE_SECONDS = 10;
    private static final double ASLEEP_AGAIN_MS = 90_000;
    private static final String PHONE = "+49 170 5550101";
    private static final String PHONE_STORED = "+491705550101";
    /** Longer than the agent's first reconnect delays: a reconnect after Send offline would have happened. */
    private static final Duration QUIET = Duration.ofSeconds(4);

    static SmsSpool sms;

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void theMobileNetwork() {
        sms = SmsSpool.start(work.resolve("sms-inbox"));
    }

    @AfterAll
    static void closeTheMobileNetwork() {
        if (sms != null) {
            sms.close();
        }
    }

    @DynamicPropertySource
    static void smsGateway(DynamicPropertyRegistry registry) {
        SmsSpool.properties(registry, () -> sms);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void connectWakesItTheHmiOpensTheIdleTimeoutHangsUpAndSendOfflineDropsItAtOnce() throws Exception {
        LoggedProcess hmi = lab.start(lab.lan(), "demo-hmi", agentJar.demoHmi(lab.lanHostAddress(), LAN_HMI_PORT));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), LAN_HMI_PORT, hmi, WAIT);
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        String deviceName = "Pump station " + UUID.randomUUID().toString().substring(0, 8);
        String deviceId;
        LoggedProcess agent;

        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            PortalUi.NewDevice device = portal.addDevice(page, deviceName);
            Path identity = work.resolve("agent-identity");
            NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                    "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                    "OD-" + UUID.randomUUID()));
            assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
            Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)")
                    .matcher(registered.output());
            assertThat(registeredAs.find()).as(registered.output()).isTrue();
            deviceId = registeredAs.group(2);

            // a device administrator makes it on demand, with its SIM's number, on its page
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            page.locator("#device-on-demand").check();
            page.locator("#device-phone-number").fill(PHONE);
            page.locator("#save-on-demand").click();
            Locator status = page.locator("#device-status");
            PlaywrightAssertions.assertThat(status).hasText("asleep (on demand)");
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "asleep");
            PlaywrightAssertions.assertThat(page.locator("#connection-mode"))
                    .hasText("on demand, woken by SMS to " + PHONE_STORED);
            PlaywrightAssertions.assertThat(page.locator("#wake-estimate"))
                    .hasText("Usually online about 60 s (no wake-up of this device measured yet) after Connect.");

            // the agent: an SMS inbox and on demand; it starts without a tunnel
            Path config = AgentJar.writeConfig(work.resolve("agent.yml"), identity, lab.lanHostAddress(),
                    LAN_HMI_PORT);
            Files.writeString(config, """
                    sms:
                      inbox: %s
                    on-demand:
                      idle-timeout-seconds: %d
                    """.formatted(sms.inbox(), IDLE_SECONDS), StandardOpenOption.APPEND);
            agent = lab.start(lab.site(), "agent", agentJar.run(config));
            await().atMost(WAIT).until(() -> agent.output().contains("no tunnel until a wake-up SMS"));
            assertThat(tunnels.isOnline(deviceId)).isFalse();
            Page list = browser.newPage();
            list.navigate(portal.baseUrl() + "/devices");
            Locator row = PortalUi.deviceRow(list, deviceName);
            PlaywrightAssertions.assertThat(PortalUi.statusOf(row)).hasText("asleep (on demand)");
            PlaywrightAssertions.assertThat(row.locator(".tag.on-demand")).hasText("on demand");

            // Connect: the wake-up SMS, then the steps live on the page, then online
            page.locator("#wake-device").click();
            PlaywrightAssertions.assertThat(page.locator("#wake-steps")).isVisible();
            await().atMost(WAIT).until(() -> sms.textsTo(PHONE_STORED).size() == 1);
            assertThat(sms.textsTo(PHONE_STORED).get(0)).matches("GANGWAY WAKE \\d+ [A-Za-z0-9_-]+");
            for (String step : List.of("sms-sent", "dialling", "online")) {
                PlaywrightAssertions.assertThat(page.locator(".wake-step[data-step=" + step + "]"))
                        .hasAttribute("data-done", "true");
            }
            PlaywrightAssertions.assertThat(status).hasText("online");
            PlaywrightAssertions.assertThat(PortalUi.statusOf(row)).hasText("online");
            PlaywrightAssertions.assertThat(page.locator("#wake-message"))
                    .hasText("Online: its services can be opened.");
            assertThat(tunnels.isOnline(deviceId)).isTrue();
            assertThat(agent.output()).contains("dialling the relay (on demand)");

            // its HMI, through the tunnel the wake-up brought up
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            Locator hmiService = page.locator("#services li.service[data-service=hmi]");
            Page hmiPage = GangwayE2eIT.open(browser, page, hmiService.locator("button.open-hmi"));
            hmiPage.waitForURL(Pattern.compile("^http://[a-z0-9-]+\\.hmi\\.localhost:" + hmiPort + "/$"));
            PlaywrightAssertions.assertThat(hmiPage).hasTitle("Demo HMI");
            PlaywrightAssertions.assertThat(hmiPage.locator("#hmi-title")).isVisible();
        }
        // the browser is gone, and with it every connection to the HMI: nothing uses the tunnel any more

        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            Locator status = page.locator("#device-status");

            // the agent's idle timeout hangs up: asleep again, live, and the report and the audit log say why
            PlaywrightAssertions.assertThat(status).hasText("asleep (on demand)",
                    new LocatorAssertions.HasTextOptions().setTimeout(ASLEEP_AGAIN_MS));
            assertThat(tunnels.isOnline(deviceId)).isFalse();
            await().atMost(WAIT).until(() -> agent.output().contains("hanging up (on demand)"));
            assertThat(audit(deviceId, "device.hang-up"))
                    .containsExactly("tunnel down: on-demand tunnel idle; hung up");
            page.reload();
            Locator lastWake = page.locator("#wakes tr.wake").first();
            PlaywrightAssertions.assertThat(lastWake.locator(".wake-result")).containsText("online after");
            PlaywrightAssertions.assertThat(lastWake.locator(".wake-ended"))
                    .containsText("on-demand tunnel idle; hung up");
            PlaywrightAssertions.assertThat(page.locator("#wake-estimate")).containsText("(as the last wake-up took)");

            // woken again, then sent offline at once
            page.locator("#wake-device").click();
            PlaywrightAssertions.assertThat(page.locator(".wake-step[data-step=online]"))
                    .hasAttribute("data-done", "true");
            PlaywrightAssertions.assertThat(status).hasText("online");
            assertThat(sms.textsTo(PHONE_STORED)).hasSize(2);
            page.locator("#send-offline").click();
            PlaywrightAssertions.assertThat(page.locator("main p.notice:not(.site-disabled)"))
                    .containsText("Sent offline: its tunnel is closed");
            PlaywrightAssertions.assertThat(status).hasText("asleep (on demand)");
            await().atMost(WAIT).until(() -> !tunnels.isOnline(deviceId));
            await().atMost(WAIT).until(() -> agent.output().contains("the portal sent this device offline"));
            assertThat(audit(deviceId, "device.offline")).containsExactly("sent offline by default/admin (web)");
            await().atMost(WAIT).until(() -> audit(deviceId, "device.hang-up").size() == 2);
            assertThat(audit(deviceId, "device.hang-up").get(1))
                    .isEqualTo("tunnel down: disconnected: sent offline by the portal");
            page.reload();
            PlaywrightAssertions.assertThat(page.locator("#wakes tr.wake").first().locator(".wake-ended"))
                    .containsText("sent offline by default/admin (web)");

            // and it stays down until the next wake-up
            Thread.sleep(QUIET.toMillis());
            assertThat(tunnels.isOnline(deviceId)).isFalse();
            assertThat(agent.isAlive()).isTrue();
            assertThat(audit(deviceId, "device.wake")).hasSize(2).allSatisfy(detail -> assertThat(detail)
                    .startsWith("wake-up SMS for " + deviceName + ", asked by default/admin (web), to "
                            + PHONE_STORED));
        }
    }

    private List<String> audit(String deviceId, String action) {
        return jdbc.queryForList("select detail from audit_event where device_id = ? and action = ? order by"
                + " occurred_at", String.class, deviceId, action);
    }
}
