package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.regex.Pattern;

/** The portal's pages as a user works them, through the element ids of the UI contract (docs/architecture.md). */
final class PortalUi {

    static final String ACCOUNT = "default";
    static final String ADMIN = "admin";

    private final String baseUrl;

    /** @param baseUrl the portal as the browser reaches it, e.g. {@code http://localhost:8080} */
    PortalUi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Signs in as the first admin on {@code page}; fails with the page's error message when the portal refuses. */
    void signIn(Page page, String password) {
        enterPassword(page, ACCOUNT, ADMIN, password);
        page.waitForURL(url -> !url.contains("/login"), new Page.WaitForURLOptions().setTimeout(Chromium.TIMEOUT_MS));
        assertThat(page.locator("#login-error").count()).as("sign-in error shown").isZero();
    }

    /** Fills and submits the sign-in form; where the browser lands next (devices, a second-factor step) varies. */
    void enterPassword(Page page, String account, String username, String password) {
        page.navigate(baseUrl + "/login");
        page.locator("input[name=account]").fill(account);
        page.locator("input[name=username]").fill(username);
        page.locator("input[name=password]").fill(password);
        page.locator("#sign-in").click();
    }

    /** What the "add device" page shows after creating a device. */
    record NewDevice(String name, String activationKey, String agentCommand, String keyExpires) {
    }

    /** Adds a device named {@code name} through Devices → Add device. */
    NewDevice addDevice(Page page, String name) {
        page.navigate(baseUrl + "/devices");
        page.locator("#add-device").click();
        page.waitForURL(Pattern.compile(".*/devices/new$"));
        page.locator("input[name=name]").fill(name);
        page.locator("#create-device").click();
        Locator key = page.locator("#activation-key");
        PlaywrightAssertions.assertThat(key).isVisible();
        String activationKey = key.textContent().strip();
        assertThat(activationKey).as("activation key shown").isNotBlank();
        String command = page.locator("#agent-command").textContent().strip();
        String expires = page.locator("#key-expires").textContent().strip();
        return new NewDevice(name, activationKey, command, expires);
    }

    /** The device's row in the list on {@code page}. */
    static Locator deviceRow(Page page, String deviceName) {
        return page.locator("#device-list tr.device[data-device-name=\"" + deviceName.replace("\"", "\\\"") + "\"]");
    }

    /** The status cell of a device row; its {@code data-status} is {@code online} or {@code offline}. */
    static Locator statusOf(Locator row) {
        return row.locator("td.status");
    }

    /**
     * Creates a group or pool on its list page ({@code listPath}, name field, button) and returns its id from the link
     * in the new row ({@code rows} selects the list's rows).
     */
    String createListed(Page page, String listPath, String nameField, String button, String name, String rows) {
        page.navigate(baseUrl + listPath);
        page.locator(nameField).fill(name);
        page.locator(button).click();
        page.navigate(baseUrl + listPath);
        Locator row = page.locator(rows).filter(new Locator.FilterOptions().setHasText(name));
        PlaywrightAssertions.assertThat(row).hasCount(1);
        String href = row.locator("a").first().getAttribute("href");
        assertThat(href).as("link to the new " + listPath).matches(".*/[0-9a-f-]{36}$");
        return lastPathSegment(href);
    }

    /**
     * Creates a user on {@code admin}'s page, puts them in {@code groupId} and sets their password through the
     * invitation link in a browser context of their own.
     */
    void addUser(Page admin, Chromium chromium, String username, String password, String groupId) {
        admin.navigate(baseUrl + "/admin/users/new");
        admin.locator("#username").fill(username);
        admin.locator("#email").fill(username + "@example.test");
        admin.locator("#create-user").click();
        admin.waitForURL(Pattern.compile(".*/admin/users/[0-9a-f-]{36}$"));
        String userId = lastPathSegment(admin.url());
        String inviteLink = admin.locator("#invite-link").textContent().strip();

        admin.navigate(baseUrl + "/admin/groups/" + groupId);
        admin.locator("#add-member-user").selectOption(userId);
        admin.locator("#add-member").click();
        PlaywrightAssertions.assertThat(admin.locator("tr.member")).containsText(username);

        try (BrowserContext own = chromium.newContext()) {
            Page page = own.newPage();
            page.navigate(inviteLink);
            page.locator("#new-password").fill(password);
            page.locator("#repeat-password").fill(password);
            page.locator("#set-password").click();
            page.waitForURL(Pattern.compile(".*/login\\?password-set.*"));
        }
    }

    /** The id of the device named {@code name}, from its row in the device list. */
    String deviceIdOf(Page page, String name) {
        page.navigate(baseUrl + "/devices");
        String id = deviceRow(page, name).getAttribute("data-device-id");
        assertThat(id).as("device id of " + name).isNotBlank();
        return id;
    }

    static String lastPathSegment(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
