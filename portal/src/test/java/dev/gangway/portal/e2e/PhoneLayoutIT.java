package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The portal's pages on a phone (390 CSS pixels wide, touch): an admin creates a group, a pool and a user with the
 * phone, then every page is opened and must fit the screen's width (no sideways scrolling of the page; wide tables
 * scroll inside their own box), with every navigation link and "Sign out" on screen. Screenshots of each page are
 * kept in {@code target/phone-screenshots} for people to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + PhoneLayoutIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
        "gangway.relay.port=0",
        "gangway.relay.bind-address=127.0.0.1",
        "gangway.hmi.port=0",
        "gangway.hmi.bind-address=127.0.0.1",
})
@DirtiesContext
class PhoneLayoutIT {

    static final String ADMIN_PASSWORD = "e2e-Phone-admin-1";
    private static final int PHONE_WIDTH = 390;
    private static final Path SCREENSHOTS = Path.of("target", "phone-screenshots");

    @TempDir
    static Path work;

    static Chromium chromium;

    @LocalServerPort
    int portalPort;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @DynamicPropertySource
    static void portalSettings(DynamicPropertyRegistry registry) {
        registry.add("gangway.data-dir", () -> work.resolve("portal-data").toString());
    }

    @Test
    @Timeout(180)
    void everyPageFitsAPhoneScreen() {
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext phone = chromium.newPhoneContext()) {
            Page page = phone.newPage();
            fits(page, portal.baseUrl() + "/login", "login");
            portal.signIn(page, ADMIN_PASSWORD);

            portal.addDevice(page, "Press line 1 with a rather long name for a small screen");
            page.navigate(portal.baseUrl() + "/admin/groups");
            page.locator("#group-name").fill("Service technicians");
            page.locator("#create-group").tap();
            String group = created(page, "/admin/groups/");
            page.navigate(portal.baseUrl() + "/admin/pools");
            page.locator("#pool-name").fill("Line 1");
            page.locator("#create-pool").tap();
            String pool = created(page, "/admin/pools/");
            page.navigate(portal.baseUrl() + "/admin/users/new");
            page.locator("#username").fill("technician.with.a.long.name");
            page.locator("#email").fill("technician.with.a.long.name@example.test");
            page.locator("#create-user").tap();
            String user = created(page, "/admin/users/");
            page.navigate(portal.baseUrl() + "/devices");
            String device = PortalUi.deviceRow(page, "Press line 1 with a rather long name for a small screen")
                    .getAttribute("data-device-id");

            List<String> paths = List.of("/devices", "/devices/new", "/devices/" + device,
                    "/admin/users", "/admin/users/new", "/admin/users/" + user, "/admin/groups",
                    "/admin/groups/" + group, "/admin/pools", "/admin/pools/" + pool, "/admin/rights",
                    "/admin/connections", "/admin/audit", "/admin/settings", "/account", "/account/two-factor");
            List<String> problems = new ArrayList<>();
            for (String path : paths) {
                problems.addAll(fits(page, portal.baseUrl() + path,
                        path.replaceAll("[0-9a-f-]{36}", "id").replaceAll("[^a-z]+", "-").replaceAll("^-", "")));
                for (Locator link : page.locator("header.topbar a, header.topbar button").all()) {
                    BoundingBox box = link.boundingBox();
                    if (box == null || box.x < 0 || box.x + box.width > PHONE_WIDTH + 0.5) {
                        problems.add(path + ": top bar item '" + link.textContent().strip() + "' is off screen");
                    }
                }
            }
            assertThat(problems).as("layout problems on a 390 px wide phone (screenshots in " + SCREENSHOTS + ")")
                    .isEmpty();
        }
    }

    /** Opens the page, keeps a screenshot, and returns what does not fit. */
    private static List<String> fits(Page page, String url, String name) {
        page.navigate(url);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
        List<String> problems = new ArrayList<>();
        Object pageWidth = page.evaluate("() => document.documentElement.scrollWidth");
        if (((Number) pageWidth).doubleValue() > PHONE_WIDTH + 0.5) {
            Object widest = page.evaluate("""
                    () => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                        .filter(e => !e.closest('.scroll-x'))
                        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                            + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                            + ' right=' + Math.round(e.getBoundingClientRect().right)).join(', ')""");
            problems.add(url + ": the page is " + pageWidth + " px wide, wider than the phone: " + widest);
        }
        return problems;
    }

    /** After a create form: the new object's page opens; returns its id. */
    private static String created(Page page, String pathPrefix) {
        page.waitForURL(Pattern.compile(".*" + Pattern.quote(pathPrefix) + "[0-9a-f-]{36}$"));
        return page.url().substring(page.url().lastIndexOf('/') + 1);
    }
}
