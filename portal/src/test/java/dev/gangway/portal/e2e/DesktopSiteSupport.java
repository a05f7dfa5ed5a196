package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;

/**
 * Base of the desktop end-to-end tests: a {@link SiteTestSupport} site plus the {@link DesktopLab} on its LAN, one
 * device commissioned with the real agent allowing the lab's desktops as services, and the administrator signed in
 * in one browser context. Built once per class by the first test that asks ({@link #desktopSite}), since the portal's
 * port is known only to test instances; torn down after the class, the desktop lab's processes checked gone.
 */
abstract class DesktopSiteSupport extends SiteTestSupport {

    static final String VNC_SERVICE = "panel";
    static final String RDP_SERVICE = "rdp-panel";
    static final String GARBAGE_SERVICE = "garbage-panel";
    static final String DEAD_SERVICE = "dead-panel";

    private static final Duration COMMAND = Duration.ofSeconds(120);

    /** The commissioned device and the administrator's browser. */
    record Site(String deviceId, String deviceName, BrowserContext adminBrowser, Page admin) {
    }

    /** A service the agent allows: {@code name}, {@code kind} ({@code vnc}, {@code rdp}), port on the LAN host. */
    record LanService(String name, String kind, int port) {
    }

    static DesktopLab desktops;
    static Site site;
    /** Every viewer page opened, for the failure report (its status, console and WebSockets). */
    static final List<DesktopViewer> viewers = new CopyOnWriteArrayList<>();

    @AfterAll
    static void tearDownTheDesktops() {
        // static state belongs to one test class: the next class in this JVM builds its own site
        viewers.clear();
        try {
            if (site != null) {
                site.adminBrowser().close();
            }
        } finally {
            site = null;
            if (desktops != null) {
                DesktopLab closing = desktops;
                desktops = null;
                closing.close();
            }
        }
    }

    PortalUi portal() {
        return new PortalUi("http://localhost:" + portalPort);
    }

    /**
     * The desktop lab (started by {@code startDesktops} on first use), the device with an agent allowing
     * {@code services} (name → kind and port on the LAN host), the administrator signed in.
     */
    synchronized Site desktopSite(String adminPassword, Consumer<DesktopLab> startDesktops,
            List<LanService> services) {
        if (site != null) {
            return site;
        }
        DesktopLab started = new DesktopLab(lab, work.resolve("desktops"));
        desktops = started;
        // the report's sources outlive the class (the extension is static): each reads only its own class's state
        failureReport.include(() -> started == desktops ? "--- xrdp log\n" + started.xrdpLog() : "");
        failureReport.include(() -> {
            StringBuilder pages = new StringBuilder();
            if (started == desktops) {
                viewers.forEach(viewer -> pages.append(viewer.describe()));
            }
            return pages.toString();
        });
        startDesktops.accept(started);

        PortalUi portal = portal();
        BrowserContext adminBrowser = chromium.newContext();
        Page admin = adminBrowser.newPage();
        portal.signIn(admin, adminPassword);
        String deviceName = "Panel PC " + UUID.randomUUID().toString().substring(0, 8);
        PortalUi.NewDevice device = portal.addDevice(admin, deviceName);
        Path identity = work.resolve("agent-identity");
        NetworkLab.Result registered = lab.run(lab.site(), COMMAND, agentJar.register(
                "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                "DESKTOP-" + UUID.randomUUID()));
        assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
        Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)").matcher(registered.output());
        assertThat(registeredAs.find()).as(registered.output()).isTrue();
        String deviceId = registeredAs.group(2);

        LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(agentConfig(identity, services)));
        admin.navigate(portal.baseUrl() + "/devices/" + deviceId);
        PlaywrightAssertions.assertThat(admin.locator("#device-status")).containsText("online");
        for (LanService service : services) {
            PlaywrightAssertions.assertThat(serviceItem(admin, service.name()))
                    .hasAttribute("data-kind", service.kind());
        }
        assertThat(agent.isAlive()).isTrue();
        site = new Site(deviceId, deviceName, adminBrowser, admin);
        return site;
    }

    private Path agentConfig(Path identity, List<LanService> services) {
        StringBuilder yaml = new StringBuilder("identity: " + identity + "\nkeepalive-seconds: 25\nservices:\n");
        for (LanService service : services) {
            yaml.append("  - name: ").append(service.name()).append("\n    kind: ").append(service.kind())
                    .append("\n    host: ").append(lab.lanHostAddress()).append("\n    port: ").append(service.port())
                    .append('\n');
        }
        try {
            return Files.writeString(work.resolve("agent.yml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Locator serviceItem(Page page, String service) {
        return page.locator("#services li.service[data-service=\"" + service + "\"]");
    }

    /** Opens the device page on {@code page} and clicks the service's desktop button; returns the viewer's page. */
    DesktopViewer openFromDevicePage(BrowserContext browser, Page page, String service) {
        page.navigate(portal().baseUrl() + "/devices/" + site.deviceId());
        DesktopViewer sameTab = track(new DesktopViewer(page));
        Page opened = GangwayE2eIT.open(browser, page, serviceItem(page, service).locator(".open-desktop"));
        DesktopViewer viewer = opened == page ? sameTab : track(new DesktopViewer(opened));
        opened.waitForURL(Pattern.compile(".*/devices/" + site.deviceId() + "/desktop/" + service + "(\\?.*)?$"));
        return viewer;
    }

    /** Opens the viewer page of {@code service} by its address in a new tab of {@code browser}. */
    DesktopViewer openByAddress(BrowserContext browser, String service) {
        DesktopViewer viewer = track(new DesktopViewer(browser.newPage()));
        viewer.page().navigate(portal().baseUrl() + "/devices/" + site.deviceId() + "/desktop/" + service);
        return viewer;
    }

    private static DesktopViewer track(DesktopViewer viewer) {
        viewers.add(viewer);
        return viewer;
    }

    /**
     * Stores the desktop credentials of {@code service} on its credentials page, as a device manager does; a field
     * the page does not show for that kind (user name, domain for VNC) is left alone.
     */
    void storeCredentials(String service, String username, String password, String domain) {
        Page admin = site.admin();
        admin.navigate(portal().baseUrl() + "/devices/" + site.deviceId() + "/services/" + service + "/credentials");
        fillIfShown(admin.locator("#desktop-username"), username);
        admin.locator("#desktop-password").fill(password);
        fillIfShown(admin.locator("#desktop-domain"), domain);
        admin.locator("#save-desktop-credentials").click();
        PlaywrightAssertions.assertThat(admin.locator("#desktop-credentials-state"))
                .hasAttribute("data-password-stored", "true");
        PlaywrightAssertions.assertThat(admin.locator("#desktop-credentials-error")).hasCount(0);
    }

    private static void fillIfShown(Locator field, String value) {
        if (value != null && field.count() > 0 && field.isVisible()) {
            field.fill(value);
        }
    }

    /**
     * Closes any viewer page still open, then checks that nothing of a desktop session is left in the portal JVM: no thread named {@code gangway-desktop-*}, no
     * {@code xfreerdp} and no Xvnc child process other than the desktop lab's own. Waits (bounded) for the session
     * to wind down, then asserts with the list of what is left.
     */
    static void assertNothingLeft() {
        // a test that failed half-way leaves its viewer open: closing the tab must end that session too
        viewers.stream().map(DesktopViewer::page).filter(page -> !page.isClosed()).forEach(Page::close);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> left = leftovers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            left = leftovers();
        }
        assertThat(left).as("desktop threads and processes left after the session ended").isEmpty();
    }

    static List<String> leftovers() {
        List<String> left = new ArrayList<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("gangway-desktop-"))
                .forEach(thread -> left.add("thread " + thread.getName() + " (" + thread.getState() + ")"));
        Set<Long> labPids = desktops == null ? Set.of() : Set.copyOf(desktops.pids());
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(process -> !labPids.contains(process.pid()))
                .filter(process -> {
                    String command = process.info().command().orElse("");
                    return command.endsWith("/xfreerdp") || command.endsWith("/Xvnc") || command.endsWith("xfreerdp")
                            || command.endsWith("Xvnc");
                })
                .forEach(process -> left.add("process " + process.pid() + " "
                        + process.info().commandLine().orElse(process.info().command().orElse("?"))));
        return left;
    }

    /**
     * The "End" cells of the connection report's rows (as the administrator) of this device's {@code service} and
     * {@code user} ({@code open} while a session lasts), newest first; the report is read afresh on every call.
     */
    List<String> reportEnds(String service, String user) {
        Page admin = site.admin();
        // the filter form's own query (a GET form): user and device
        admin.navigate(portal().baseUrl() + "/admin/connections?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&device=" + URLEncoder.encode(site.deviceName(), StandardCharsets.UTF_8));
        Locator rows = admin.locator("#connection-list tr.connection").filter(new Locator.FilterOptions()
                .setHas(admin.locator("td.service", new Page.LocatorOptions()
                        // service names are a-z, 0-9 and "-": nothing to escape
                        .setHasText(Pattern.compile("^\\s*" + service + "\\s*$")))));
        return rows.locator("td.ended").allTextContents().stream().map(String::strip).toList();
    }

    /** Waits until the report shows {@code user}'s sessions of {@code service} all ended (at least one). */
    void awaitReportEnded(String service, String user) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        DesktopViewer.awaitTrue(() -> {
            last.set(reportEnds(service, user));
            return !last.get().isEmpty() && !last.get().contains("open");
        }, () -> "connection report rows of " + user + " on " + service + ", End column: " + last.get());
    }

    // --- users, groups, pools through the administrator's pages (as ClientE2eIT does) ---

    /** Creates a pool holding the device, a group with {@code right} on it, and a user in it; returns the user name. */
    String userWithRight(String right, String password) {
        Page admin = site.admin();
        String base = portal().baseUrl();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String pool = portal().createListed(admin, "/admin/pools", "#pool-name", "#create-pool",
                "Panels " + suffix, "#pool-list tr.pool");
        admin.navigate(base + "/admin/pools/" + pool);
        admin.locator("#add-device").selectOption(site.deviceId());
        admin.locator("#add-device-button").click();
        PlaywrightAssertions.assertThat(admin.locator("tr.pool-device")).hasCount(1);
        String group = portal().createListed(admin, "/admin/groups", "#group-name", "#create-group",
                "Watchers " + suffix, "#group-list tr.group");
        Locator box = admin.locator("input[name=grant][value=\"" + group + ":" + pool + ":" + right + "\"]");
        admin.navigate(base + "/admin/rights");
        box.check();
        admin.locator("#save-rights").click();
        admin.navigate(base + "/admin/rights");
        PlaywrightAssertions.assertThat(box).isChecked();

        String username = "watcher-" + suffix;
        portal().addUser(admin, chromium, username, password, group);
        return username;
    }

}
