package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.device.DeviceTunnels;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Issue 5, must-show 2: the site's key switch. A real agent process in the site's network namespace reads its switch
 * from a file (as it would a GPIO value file). Switched off, the tunnel is closed within 2 s, the portal shows
 * "remote access disabled on site" (device page and list, live), opening the HMI says so too, the audit log records
 * it, and the relay sees no connection while the switch stays off; switched on, the device is online again.
 *
 * <p>The relay is counted at its front door: agents are told to dial a small TCP forwarder
 * ({@code gangway.relay.public-port}) that counts every connection and passes it on to the relay.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + KeySwitchE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class KeySwitchE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-KeySwitch-admin-1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The requirement: key switch off, tunnel closed within 2 s. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(2);
    /** Longer than the agent's first reconnect delays (1 s, 2 s): a reconnect would have happened by then. */
    private static final Duration QUIET = Duration.ofSeconds(4);

    static RelayGate frontDoor;

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void openTheRelayGate() throws IOException {
        frontDoor = new RelayGate(new InetSocketAddress(lab.portalSideAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort));
    }

    @AfterAll
    static void closeTheRelayGate() {
        if (frontDoor != null) {
            frontDoor.close();
        }
    }

    @DynamicPropertySource
    static void agentsDialTheRelayGate(DynamicPropertyRegistry registry) {
        registry.add("gangway.relay.public-port", () -> frontDoor.port());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void offClosesTheTunnelAndThePortalSaysSoNothingDialsUntilOnAndThenItIsOnlineAgain() throws Exception {
        LoggedProcess hmi = lab.start(lab.lan(), "demo-hmi", agentJar.demoHmi(lab.lanHostAddress(), LAN_HMI_PORT));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), LAN_HMI_PORT, hmi, WAIT);
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page devicePage = browser.newPage();
            portal.signIn(devicePage, ADMIN_PASSWORD);
            String deviceName = "Keyed press " + UUID.randomUUID().toString().substring(0, 8);
            PortalUi.NewDevice device = portal.addDevice(devicePage, deviceName);

            Path identity = work.resolve("agent-identity");
            NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                    "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                    "KEY-" + UUID.randomUUID()));
            assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
            Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)")
                    .matcher(registered.output());
            assertThat(registeredAs.find()).as(registered.output()).isTrue();
            String deviceId = registeredAs.group(2);

            // the site's switch is a value file, as a GPIO input is; the status output shows the tunnel
            Path keySwitch = Files.writeString(work.resolve("key-switch-value"), "1\n");
            Path tunnelStatus = work.resolve("tunnel-status");
            Path config = AgentJar.writeConfig(work.resolve("agent.yml"), identity, lab.lanHostAddress(),
                    LAN_HMI_PORT);
            Files.writeString(config, """
                    key-switch:
                      input:
                        file: %s
                      poll-millis: 200
                      status-output:
                        file: %s
                    """.formatted(keySwitch, tunnelStatus), StandardOpenOption.APPEND);
            LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            await().atMost(WAIT).until(() -> read(tunnelStatus).equals("up"));
            assertThat(frontDoor.connections()).as("connections through the relay's front door").isPositive();

            devicePage.navigate(portal.baseUrl() + "/devices/" + deviceId);
            Locator status = devicePage.locator("#device-status");
            PlaywrightAssertions.assertThat(status).hasText("online");
            PlaywrightAssertions.assertThat(devicePage.locator("#site-disabled")).isHidden();
            Page listPage = browser.newPage();
            listPage.navigate(portal.baseUrl() + "/devices");
            Locator listStatus = PortalUi.statusOf(PortalUi.deviceRow(listPage, deviceName));
            PlaywrightAssertions.assertThat(listStatus).hasAttribute("data-status", "online");

            // off: the tunnel closes within 2 s, and both pages say why, live
            Files.writeString(keySwitch, "0\n");
            await().atMost(CLOSED_WITHIN).pollInterval(Duration.ofMillis(10)).until(() -> !tunnels.isOnline(deviceId));
            PlaywrightAssertions.assertThat(status).hasText("remote access disabled on site");
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "site-disabled");
            PlaywrightAssertions.assertThat(devicePage.locator("#site-disabled")).isVisible();
            PlaywrightAssertions.assertThat(devicePage.locator("#site-disabled"))
                    .containsText("Remote access disabled on site");
            PlaywrightAssertions.assertThat(listStatus).hasText("remote access disabled on site");
            await().atMost(WAIT).until(() -> read(tunnelStatus).equals("down"));
            assertThat(agent.output()).contains("key switch off: remote access disabled on site");

            // opening the HMI now says so too
            devicePage.navigate(portal.baseUrl() + "/devices/" + deviceId);
            devicePage.locator("#services li.service[data-service=hmi] button.open-hmi").click();
            PlaywrightAssertions.assertThat(devicePage.locator("#open-error"))
                    .containsText("remote access disabled on site");
            PlaywrightAssertions.assertThat(devicePage.locator("#site-disabled")).isVisible();

            // while off, nothing dials the relay
            int connections = frontDoor.connections();
            String logBefore = agent.output();
            Thread.sleep(QUIET.toMillis());
            assertThat(frontDoor.connections()).as("connections to the relay while the key switch is off")
                    .isEqualTo(connections);
            assertThat(agent.output().substring(logBefore.length())).doesNotContain("connecting to relay");
            assertThat(tunnels.isOnline(deviceId)).isFalse();
            assertThat(agent.isAlive()).isTrue();

            // on: online again, on both pages
            Files.writeString(keySwitch, "1\n");
            PlaywrightAssertions.assertThat(status).hasText("online");
            PlaywrightAssertions.assertThat(devicePage.locator("#site-disabled")).isHidden();
            PlaywrightAssertions.assertThat(listStatus).hasText("online");
            assertThat(tunnels.isOnline(deviceId)).isTrue();
            assertThat(frontDoor.connections()).isGreaterThan(connections);
            await().atMost(WAIT).until(() -> read(tunnelStatus).equals("up"));

            assertThat(jdbc.queryForList("select detail from audit_event where device_id = ? and action ="
                    + " 'device.site-access' order by occurred_at", String.class, deviceId))
                    .as("the audit log").hasSize(2)
                    .satisfies(rows -> {
                        assertThat(rows.get(0)).startsWith("off: key switch off, remote access disabled on site");
                        assertThat(rows.get(1)).startsWith("on: key switch on, remote access enabled on site");
                    });
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
