package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Issue 4, must-show 3: desktops that go wrong. A wrong VNC password, a service where nothing listens, a VNC server
 * that turns to garbage in the middle of a session, and the user closing the tab: each ends with a sentence in the
 * page's status (or, for the closed tab, an ended row in the connection report), and afterwards the portal JVM holds
 * no thread named {@code gangway-desktop-*} and no xfreerdp or Xvnc child process (checked with a bounded wait).
 *
 * <p>Real portal in this JVM, real agent jar and desktops in network namespaces ({@link DesktopLab}), real Chromium.
 * Needs root (skipped otherwise).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + DesktopFailuresE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
        // the embedded converters whatever GANGWAY_GUACD_HOST says: guacd is not part of this test
        "gangway.desktop.vnc-converter=embedded-vnc",
        "gangway.desktop.rdp-converter=embedded-rdp",
})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DesktopFailuresE2eIT extends DesktopSiteSupport {

    static final String ADMIN_PASSWORD = "e2e-DesktopFail-admin-1";
    private static final String VNC_PASSWORD = "vnc-" + UUID.randomUUID().toString().substring(0, 4);

    private static BrowserContext browser;

    @BeforeEach
    void signedIn() {
        desktopSite(ADMIN_PASSWORD, desktopLab -> {
            desktopLab.startVnc(VNC_PASSWORD);
            desktopLab.startGarbage();
        }, List.of(new LanService(VNC_SERVICE, "vnc", DesktopLab.VNC_PORT),
                new LanService(GARBAGE_SERVICE, "vnc", DesktopLab.GARBAGE_PORT),
                new LanService(DEAD_SERVICE, "vnc", DesktopLab.DEAD_PORT)));
        if (browser == null) {
            browser = chromium.newContext();
            portal().signIn(browser.newPage(), ADMIN_PASSWORD);
        }
    }

    @AfterEach
    void nothingLeft() {
        assertNothingLeft();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongVncPasswordEndsWithThatSentence() {
        DesktopViewer viewer = openByAddress(browser, VNC_SERVICE);
        viewer.enterPassword("not-" + VNC_PASSWORD);
        viewer.awaitState("ended");
        PlaywrightAssertions.assertThat(viewer.status()).containsText("wrong VNC password");
        PlaywrightAssertions.assertThat(viewer.page().locator("#desktop-reconnect")).isVisible();
        viewer.close();
    }

    @Test
    @Order(2)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void unreachableServiceEndsWithASentence() {
        DesktopViewer viewer = openByAddress(browser, DEAD_SERVICE);
        viewer.awaitState("ended");
        String said = viewer.statusText();
        assertThat(said).as("the status of a desktop nothing listens for").isNotBlank()
                .doesNotContain("connection lost").containsPattern("(?i)refused|reach|not answer|cannot connect");
        viewer.close();
    }

    @Test
    @Order(3)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void garbageMidSessionEndsWithASentence() {
        DesktopViewer viewer = openByAddress(browser, GARBAGE_SERVICE);
        viewer.awaitState("connected");
        desktops.releaseGarbage();
        viewer.awaitState("ended");
        String said = viewer.statusText();
        assertThat(said).as("the status after the VNC server sent garbage").isNotBlank()
                .doesNotContain("connection lost").containsPattern("(?i)VNC server|protocol|unknown|not understood");
        viewer.close();
    }

    @Test
    @Order(4)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void closingTheTabEndsTheSession() {
        DesktopViewer viewer = openByAddress(browser, VNC_SERVICE);
        viewer.connect(VNC_PASSWORD);
        viewer.awaitShare(DesktopLab.VNC_ROOT, 0.4);
        assertThat(reportEnds(VNC_SERVICE, PortalUi.ADMIN)).as("report while the session runs").contains("open");
        assertThat(leftovers()).as("desktop threads while the session runs")
                .anyMatch(what -> what.startsWith("thread gangway-desktop-"));
        Page tab = viewer.page();
        tab.close();
        awaitReportEnded(VNC_SERVICE, PortalUi.ADMIN);
    }
}
