package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The spine, as a service engineer lives it: the machine's HMI sits on a LAN that only the device agent reaches;
 * the engineer adds the device in the portal, the agent registers and connects, the device turns online in the
 * open list, and the HMI works in the browser through relay and tunnel (page, link, WebSocket, 50 MB download).
 * When the agent dies the device turns offline; when it comes back, online.
 *
 * <p>The real portal runs in this JVM; the agent and the demo HMI are the real agent jar, in the namespaces of a
 * {@link NetworkLab}. Needs root (skipped otherwise); script/test runs it as root.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + GangwayE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class GangwayE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-Admin-password-1";

    private static final long DOWNLOAD_SIZE = 52_428_800;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double OFFLINE_WITHIN_MS = 10_000;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void engineerReachesTheHmiBehindTheAgentAndSeesTheDeviceComeAndGo() throws Exception {
        // the machine's HMI on the LAN; the site reaches it, the portal side does not
        LoggedProcess hmi = lab.start(lab.lan(), "demo-hmi", agentJar.demoHmi(lab.lanHostAddress(), LAN_HMI_PORT));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), LAN_HMI_PORT, hmi, WAIT);
        assertThatThrownBy(() -> {
            try (Socket direct = new Socket()) {
                direct.connect(new InetSocketAddress(lab.lanHostAddress(), LAN_HMI_PORT), 5_000);
            }
        }).as("a direct connection from the portal side to the LAN host").isInstanceOf(NoRouteToHostException.class);

        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page list = browser.newPage();
            portal.signIn(list, ADMIN_PASSWORD);
            String deviceName = "Press line " + UUID.randomUUID().toString().substring(0, 8);
            Page tab = browser.newPage();
            PortalUi.NewDevice device = portal.addDevice(tab, deviceName);
            assertThat(device.agentCommand()).contains("register").contains(device.activationKey());

            list.navigate(portal.baseUrl() + "/devices");
            Locator row = PortalUi.deviceRow(list, deviceName);
            Locator status = PortalUi.statusOf(row);
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "offline");

            // commissioning on the device: register, then run with the HMI allowed
            Path identity = work.resolve("agent-identity");
            NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                    "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                    "E2E-" + UUID.randomUUID()));
            assertThat(registered.exitCode()).as("register exit code; output:\n" + registered.output()).isZero();
            Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)")
                    .matcher(registered.output());
            assertThat(registeredAs.find()).as("register output: " + registered.output()).isTrue();
            assertThat(registeredAs.group(1)).isEqualTo(deviceName);
            String deviceId = registeredAs.group(2);
            PlaywrightAssertions.assertThat(row).hasAttribute("data-device-id", deviceId);
            for (String file : List.of("device-key.pem", "device-cert.pem", "ca.pem", "device.json")) {
                assertThat(identity.resolve(file)).as("identity file written by register").isNotEmptyFile();
            }

            Path config = AgentJar.writeConfig(work.resolve("agent.yml"), identity,
                    lab.lanHostAddress(), LAN_HMI_PORT);
            LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));

            // the open list turns the device online by itself (server-sent events, no reload)
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "online");
            PlaywrightAssertions.assertThat(status).hasText("online");
            assertThat(agent.isAlive()).isTrue();

            // device page → Open on the HMI → its own origin on the HMI proxy
            tab.navigate(portal.baseUrl() + "/devices/" + deviceId);
            PlaywrightAssertions.assertThat(tab.locator("#device-status")).containsText("online");
            Locator hmiService = tab.locator("#services li.service[data-service=hmi]");
            PlaywrightAssertions.assertThat(hmiService).hasAttribute("data-kind", "http");
            Page hmiPage = open(browser, tab, hmiService.locator("button.open-hmi"));
            Pattern hmiOrigin = Pattern.compile("^(http://[a-z0-9-]+\\.hmi\\.localhost:" + hmiPort + ")/$");
            hmiPage.waitForURL(hmiOrigin);
            Matcher origin = hmiOrigin.matcher(hmiPage.url());
            assertThat(origin.matches()).isTrue();
            PlaywrightAssertions.assertThat(hmiPage).hasTitle("Demo HMI");
            PlaywrightAssertions.assertThat(hmiPage.locator("#hmi-title")).isVisible();

            webSocketEchoes(hmiPage);
            downloadArrivesWhole(hmiPage);

            Request page2 = hmiPage.waitForRequest(origin.group(1) + "/page2",
                    () -> hmiPage.locator("#absolute-link").click());
            PlaywrightAssertions.assertThat(hmiPage.locator("#page2")).isVisible();
            assertThat(hmiPage.url()).isEqualTo(origin.group(1) + "/page2");
            // what Chromium really sent (Playwright's cookie listing matches host-only cookies too loosely)
            assertThat(page2.allHeaders().getOrDefault("cookie", ""))
                    .as("Cookie header sent to the HMI origin").contains("gangway_hmi=")
                    .doesNotContain("gangway-session");

            // the agent dies: the list says offline; it comes back: online
            agent.kill();
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "offline",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(OFFLINE_WITHIN_MS));
            LoggedProcess restarted = lab.start(lab.site(), "agent-restarted", agentJar.run(config));
            PlaywrightAssertions.assertThat(status).hasAttribute("data-status", "online");
            assertThat(restarted.isAlive()).isTrue();
        }
    }

    /** Clicks Open; the HMI appears in a new tab when the form targets one, else in the same tab. */
    static Page open(BrowserContext browser, Page page, Locator openButton) {
        PlaywrightAssertions.assertThat(openButton).isVisible();
        String target = (String) openButton.evaluate(
                "b => b.getAttribute('formtarget') || (b.form && b.form.target) || ''");
        if (target.isEmpty() || "_self".equals(target)) {
            openButton.click();
            return page;
        }
        Page opened = browser.waitForPage(openButton::click);
        opened.waitForLoadState();
        return opened;
    }

    /** Sends text through the page's echo WebSocket until it comes back (the socket may still be opening). */
    private static void webSocketEchoes(Page hmiPage) {
        Locator output = hmiPage.locator("#ws-output");
        AssertionError last = null;
        for (int attempt = 1; attempt <= 6; attempt++) {
            String message = "echo-" + attempt + "-" + UUID.randomUUID();
            hmiPage.locator("#ws-input").fill(message);
            hmiPage.locator("#ws-send").click();
            try {
                PlaywrightAssertions.assertThat(output).containsText(message,
                        new LocatorAssertions.ContainsTextOptions().setTimeout(5_000));
                return;
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    /** Downloads the 50 MB file through the tunnel and checks every byte against the demo HMI's pattern. */
    private static void downloadArrivesWhole(Page hmiPage) throws IOException {
        Download download = hmiPage.waitForDownload(() -> hmiPage.locator("#download").click());
        Path file = download.path();
        assertThat(download.failure()).as("download failure").isNull();
        assertThat(Files.size(file)).isEqualTo(DOWNLOAD_SIZE);
        assertThat(sha256(file)).as("SHA-256 of the downloaded file").isEqualTo(expectedDownloadSha256());
    }

    /** Byte i of the demo HMI's download is (i * 31 + 7) & 0xFF. */
    static String expectedDownloadSha256() {
        MessageDigest digest = sha256();
        byte[] block = new byte[1 << 16];
        for (long offset = 0; offset < DOWNLOAD_SIZE; offset += block.length) {
            int length = (int) Math.min(block.length, DOWNLOAD_SIZE - offset);
            for (int j = 0; j < length; j++) {
                block[j] = (byte) (((offset + j) * 31 + 7) & 0xFF);
            }
            digest.update(block, 0, length);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
