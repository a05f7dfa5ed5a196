package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Issue 4, must-show 1 and 2, as a service engineer lives it: the machine's panel PC serves VNC (a TigerVNC Xvnc)
 * and RDP (xrdp in front of a second Xvnc) on a LAN only the device agent reaches. In Chromium, the engineer clicks
 * "Open desktop" on the device page: the viewer connects, the browser shows the remote root window's colour, text
 * typed in the browser arrives in an xterm on the remote screen (checked in the file its shell writes), clipboard
 * text goes both ways (read and written with {@code xclip} on the remote display). A user holding only "Remote
 * desktop: view only" sees the screen change live but moves no pointer and types nothing. The sessions are in the
 * connection report. The RDP service, through the embedded RDP converter (xfreerdp into a private Xvnc), shows the
 * RDP target's colour and takes typing too; when its tab closes, no xfreerdp, Xvnc or desktop thread is left.
 *
 * <p>Real portal in this JVM, real agent jar and desktops in network namespaces ({@link DesktopLab}), real Chromium.
 * Needs root (skipped otherwise).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + DesktopE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
        // the embedded converters whatever GANGWAY_GUACD_HOST says: guacd is not part of this test
        "gangway.desktop.vnc-converter=embedded-vnc",
        "gangway.desktop.rdp-converter=embedded-rdp",
})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DesktopE2eIT extends DesktopSiteSupport {

    static final String ADMIN_PASSWORD = "e2e-Desktop-admin-1";
    private static final String VNC_PASSWORD = "vnc-" + UUID.randomUUID().toString().substring(0, 4);
    private static final String RDP_PASSWORD = "rdp-" + UUID.randomUUID().toString().substring(0, 4);
    private static String watcherName;
    private static final String WATCHER_PASSWORD = "Watcher-passw0rd-" + UUID.randomUUID().toString().substring(0, 6);
    /** A colour the root window takes for a moment in the view-only test (sea green). */
    private static final int FLASH = 0x2E8B57;
    /** The share of the display that must show a colour: the root window is most of the screen. */
    private static final double MOSTLY = 0.4;

    private static DesktopLab.Screen vnc;
    private static DesktopLab.Screen rdp;

    private Site site() {
        return desktopSite(ADMIN_PASSWORD, desktopLab -> {
            vnc = desktopLab.startVnc(VNC_PASSWORD);
            rdp = desktopLab.startRdp(RDP_PASSWORD);
        }, List.of(new LanService(VNC_SERVICE, "vnc", DesktopLab.VNC_PORT),
                new LanService(RDP_SERVICE, "rdp", DesktopLab.RDP_PORT)));
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void vncScreenKeyboardClipboardAndViewOnly() {
        site();
        try (BrowserContext engineerBrowser = chromium.newContext()) {
            Page devicePage = engineerBrowser.newPage();
            portal().signIn(devicePage, ADMIN_PASSWORD);

            // no password stored: the viewer asks for it
            DesktopViewer viewer = openFromDevicePage(engineerBrowser, devicePage, VNC_SERVICE);
            viewer.enterPassword(VNC_PASSWORD);
            viewer.awaitState("connected");
            PlaywrightAssertions.assertThat(viewer.page().locator("#desktop-view-only")).isHidden();

            // the remote screen: the root window's blue is most of the display, the xterm's black where it is
            viewer.awaitShare(DesktopLab.VNC_ROOT, MOSTLY);
            DesktopViewer.awaitTrue(() -> DesktopViewer.near(viewer.colourAt(DesktopLab.ROOT_X, DesktopLab.ROOT_Y),
                    DesktopLab.VNC_ROOT) && DesktopViewer.near(viewer.colourAt(DesktopLab.XTERM_X + 200,
                    DesktopLab.XTERM_Y + 60), DesktopLab.XTERM_BACKGROUND),
                    () -> String.format("root at (%d,%d) shows #%06x, xterm shows #%06x", DesktopLab.ROOT_X,
                            DesktopLab.ROOT_Y, viewer.colourAt(DesktopLab.ROOT_X, DesktopLab.ROOT_Y),
                            viewer.colourAt(DesktopLab.XTERM_X + 200, DesktopLab.XTERM_Y + 60)));

            // keyboard: click into the xterm (X focus follows the pointer), type a line
            String line = "Hello from the browser " + UUID.randomUUID().toString().substring(0, 8);
            viewer.clickAt(DesktopLab.XTERM_X, DesktopLab.XTERM_Y);
            viewer.typeLine(line);
            DesktopViewer.awaitTrue(() -> desktops.typed(vnc).equals(line + "\n"),
                    () -> "the xterm wrote " + quoted(desktops.typed(vnc)) + ", expected " + quoted(line + "\n"));
            // the browser may round the click to a whole CSS pixel: one remote pixel either way
            int[] pointer = desktops.pointer(vnc);
            assertThat(pointer[0]).as("the remote pointer's x after the click").isCloseTo(DesktopLab.XTERM_X,
                    within(1));
            assertThat(pointer[1]).as("the remote pointer's y after the click").isCloseTo(DesktopLab.XTERM_Y,
                    within(1));

            // clipboard, browser → remote: xclip reads it on the remote display
            String toRemote = "to the panel " + UUID.randomUUID();
            viewer.sendClipboard(toRemote);
            DesktopViewer.awaitTrue(() -> desktops.clipboard(vnc).equals(toRemote),
                    () -> "xclip -o read " + quoted(desktops.clipboard(vnc)) + ", expected " + quoted(toRemote));

            // clipboard, remote → browser: xclip sets it, the panel shows it
            String fromRemote = "from the panel " + UUID.randomUUID();
            desktops.setClipboard(vnc, fromRemote);
            PlaywrightAssertions.assertThat(viewer.clipboardText()).hasValue(fromRemote);

            // the session is in the connection report, open
            assertThat(reportEnds(VNC_SERVICE, PortalUi.ADMIN)).as("report rows of the open session")
                    .containsExactly("open");

            viewOnly(viewer);

            // "Fit remote": the X server takes the size of the page's display area, and the page shows that screen
            int[] area = viewer.fitRemote();
            DesktopViewer.awaitTrue(() -> Arrays.equals(desktops.screenSize(vnc), area)
                    && Arrays.equals(viewer.remoteSize(), area), () -> "the X screen is "
                    + Arrays.toString(desktops.screenSize(vnc)) + ", the page shows " + Arrays.toString(
                    viewer.remoteSize()) + ", the display area is " + Arrays.toString(area));
            viewer.awaitShare(DesktopLab.VNC_ROOT, MOSTLY);

            viewer.close();
            awaitReportEnded(VNC_SERVICE, PortalUi.ADMIN);
        }
        assertNothingLeft();
    }

    /**
     * A user with "Remote desktop: view only": the stored password opens the screen without a question, the badge
     * says view only, the screen follows changes, and neither the click nor the typing reaches the remote desktop.
     */
    private void viewOnly(DesktopViewer engineer) {
        storeCredentials(VNC_SERVICE, null, VNC_PASSWORD, null);
        String watcher = watcher();
        try (BrowserContext watcherBrowser = chromium.newContext()) {
            DesktopViewer viewer = openAsWatcher(watcherBrowser, VNC_SERVICE);
            viewer.awaitState("connected");
            PlaywrightAssertions.assertThat(viewer.page().locator("#desktop-password-form")).isHidden();
            PlaywrightAssertions.assertThat(viewer.page().locator("#desktop-view-only")).isVisible();
            viewer.awaitShare(DesktopLab.VNC_ROOT, MOSTLY);

            // the pointer rests on the xterm (so typing would land there); the watcher clicks elsewhere and types
            String typedBefore = desktops.typed(vnc);
            desktops.movePointer(vnc, DesktopLab.XTERM_X, DesktopLab.XTERM_Y);
            viewer.clickAt(DesktopLab.ROOT_X, DesktopLab.ROOT_Y);
            viewer.typeLine("the watcher types " + UUID.randomUUID());
            // the page sends nothing in view-only mode; the portal drops input even from a hand-made client
            assertThat(viewer.injectInput(DesktopLab.ROOT_X, DesktopLab.ROOT_Y, "injected"))
                    .as("a hand-made client of the view-only user sending a click and keys")
                    .isEqualTo("ping echoed");

            // two screen changes later the watcher's input has long passed the portal: each frame is sent only
            // after the browser acknowledged the previous one, on the same WebSocket, after the input
            desktops.setRoot(vnc, FLASH);
            viewer.awaitShare(FLASH, MOSTLY);
            desktops.setRoot(vnc, DesktopLab.VNC_ROOT);
            viewer.awaitShare(DesktopLab.VNC_ROOT, MOSTLY);
            engineer.awaitShare(DesktopLab.VNC_ROOT, MOSTLY);

            assertThat(desktops.pointer(vnc)).as("the remote pointer after the watcher's click")
                    .containsExactly(DesktopLab.XTERM_X, DesktopLab.XTERM_Y);
            assertThat(desktops.typed(vnc)).as("what the xterm received after the watcher typed")
                    .isEqualTo(typedBefore);

            // the watcher's session is in the report too; closing the tab ends it
            assertThat(reportEnds(VNC_SERVICE, watcher)).contains("open");
            viewer.close();
            awaitReportEnded(VNC_SERVICE, watcher);
        }
    }

    /** The user with "Remote desktop: view only", made through the admin pages once for both tests. */
    private String watcher() {
        if (watcherName == null) {
            watcherName = userWithRight("DESKTOP_VIEW", WATCHER_PASSWORD);
        }
        return watcherName;
    }

    private DesktopViewer openAsWatcher(BrowserContext watcherBrowser, String service) {
        Page devicePage = watcherBrowser.newPage();
        portal().enterPassword(devicePage, PortalUi.ACCOUNT, watcher(), WATCHER_PASSWORD);
        devicePage.waitForURL(url -> !url.contains("/login"));
        return openFromDevicePage(watcherBrowser, devicePage, service);
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void rdpThroughXrdpShowsTheTargetAndTakesTyping() {
        site();
        storeCredentials(RDP_SERVICE, "engineer", RDP_PASSWORD, null);
        try (BrowserContext engineerBrowser = chromium.newContext()) {
            Page devicePage = engineerBrowser.newPage();
            portal().signIn(devicePage, ADMIN_PASSWORD);
            DesktopViewer viewer = openFromDevicePage(engineerBrowser, devicePage, RDP_SERVICE);
            viewer.connect(RDP_PASSWORD);
            viewer.awaitShare(DesktopLab.RDP_ROOT, MOSTLY);

            String line = "Hello over RDP " + UUID.randomUUID().toString().substring(0, 8);
            viewer.clickAt(DesktopLab.XTERM_X, DesktopLab.XTERM_Y);
            viewer.typeLine(line);
            DesktopViewer.awaitTrue(() -> desktops.typed(rdp).equals(line + "\n"),
                    () -> "the RDP target's xterm wrote " + quoted(desktops.typed(rdp)) + ", expected "
                            + quoted(line + "\n"));

            assertThat(leftovers()).as("while the RDP session runs").anyMatch(what -> what.contains("xfreerdp"));

            // a user with view rights watches this session: the same screen, no second logon; it ends with it
            try (BrowserContext watcherBrowser = chromium.newContext()) {
                DesktopViewer watching = openAsWatcher(watcherBrowser, RDP_SERVICE);
                watching.awaitState("connected");
                PlaywrightAssertions.assertThat(watching.page().locator("#desktop-view-only")).isVisible();
                watching.awaitShare(DesktopLab.RDP_ROOT, MOSTLY);
                assertThat(leftovers()).as("one xfreerdp: watching logged nobody on")
                        .filteredOn(what -> what.startsWith("process") && what.contains("xfreerdp")).hasSize(1);
                viewer.close();
                watching.awaitState("ended");
                assertThat(watching.statusText()).contains("the RDP session you were watching ended");
            }
        }
        assertNothingLeft();
        awaitReportEnded(RDP_SERVICE, PortalUi.ADMIN);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }
}
