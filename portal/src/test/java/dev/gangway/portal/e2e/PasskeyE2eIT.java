package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Passkeys in a real browser: Chromium with a virtual authenticator (Chrome DevTools Protocol, a platform
 * authenticator with user verification, as a phone's or laptop's screen lock). The first admin registers a passkey
 * on My account, signs out, signs in with the password and uses the passkey at the second step instead of a code,
 * and lands on the devices. No agent, no network namespaces: only the portal in this JVM, on a random port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + PasskeyE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
        "gangway.relay.port=0",
        "gangway.relay.bind-address=127.0.0.1",
        "gangway.hmi.port=0",
        "gangway.hmi.bind-address=127.0.0.1",
})
@DirtiesContext
class PasskeyE2eIT {

    static final String ADMIN_PASSWORD = "e2e-Passkey-admin-1";

    @TempDir
    static Path work;

    static Chromium chromium;

    @LocalServerPort
    int portalPort;

    @Autowired
    JdbcTemplate jdbc;

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
    void theAdminRegistersAPasskeyAndSignsInWithItInsteadOfACode() {
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            List<String> consoleErrors = new CopyOnWriteArrayList<>();
            page.onConsoleMessage(message -> {
                if ("error".equals(message.type()) && !message.text().startsWith("Failed to load resource")) {
                    consoleErrors.add(message.text());
                }
            });
            // failed loads are named by their URL here (the console message does not say which); no favicon exists
            page.onResponse(response -> {
                if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) {
                    consoleErrors.add(response.status() + " " + response.url());
                }
            });
            CDPSession cdp = browser.newCDPSession(page);
            cdp.send("WebAuthn.enable");
            JsonObject options = new JsonObject();
            options.addProperty("protocol", "ctap2");
            options.addProperty("transport", "internal");
            options.addProperty("hasResidentKey", true);
            options.addProperty("hasUserVerification", true);
            options.addProperty("isUserVerified", true);
            JsonObject add = new JsonObject();
            add.add("options", options);
            String authenticatorId = cdp.send("WebAuthn.addVirtualAuthenticator", add).get("authenticatorId")
                    .getAsString();

            // signed in with the password only (no second factor yet), the admin adds a passkey on My account
            portal.signIn(page, ADMIN_PASSWORD);
            page.waitForURL(Pattern.compile(".*/devices$"));
            page.locator("#nav-account").click();
            page.waitForURL(Pattern.compile(".*/account$"));
            page.locator("#passkey-label").fill("Virtual key");
            page.locator("#add-passkey").click();
            page.waitForURL(Pattern.compile(".*/account\\?passkey-added$"));
            PlaywrightAssertions.assertThat(page.locator("#passkey-list tr.passkey td.label"))
                    .hasText("Virtual key");
            PlaywrightAssertions.assertThat(page.locator("#passkey-list tr.passkey td.last-used")).hasText("never");
            PlaywrightAssertions.assertThat(page.locator("#my-two-factor")).containsText("on");

            JsonObject which = new JsonObject();
            which.addProperty("authenticatorId", authenticatorId);
            JsonArray credentials = cdp.send("WebAuthn.getCredentials", which).getAsJsonArray("credentials");
            assertThat(credentials).as("the passkey the authenticator made").hasSize(1);
            assertThat(credentials.get(0).getAsJsonObject().get("rpId").getAsString()).isEqualTo("localhost");
            String adminId = jdbc.queryForObject("select u.id from app_user u join account a on a.id = u.account_id "
                    + "where a.name = ? and u.username = ?", String.class, PortalUi.ACCOUNT, PortalUi.ADMIN);
            assertThat(jdbc.queryForObject("select count(*) from passkey where user_id = ?", Integer.class, adminId))
                    .isEqualTo(1);

            // sign out; the password now leads to the second step, where the passkey replaces the code
            page.locator("#sign-out").click();
            page.waitForURL(Pattern.compile(".*/login\\?logout$"));
            portal.enterPassword(page, PortalUi.ACCOUNT, PortalUi.ADMIN, ADMIN_PASSWORD);
            page.waitForURL(Pattern.compile(".*/login/two-factor$"));
            assertThat(page.locator("#code").count()).as("no authenticator app: no code field").isZero();
            page.navigate(portal.baseUrl() + "/devices");
            page.waitForURL(Pattern.compile(".*/login/two-factor$"));
            page.locator("#use-passkey").click();
            page.waitForURL(Pattern.compile(".*/devices$"));
            PlaywrightAssertions.assertThat(page.locator("#nav-account")).isVisible();

            page.locator("#nav-account").click();
            page.waitForURL(Pattern.compile(".*/account$"));
            PlaywrightAssertions.assertThat(page.locator("#passkey-list tr.passkey td.last-used"))
                    .not().hasText("never");
            assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin.passkey' and "
                    + "result = 'ok' and actor = ?", Integer.class, PortalUi.ACCOUNT + "/" + PortalUi.ADMIN))
                    .isEqualTo(1);
            assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin' and "
                    + "result = 'ok' and detail = 'password + passkey'", Integer.class)).isEqualTo(1);
            assertThat(consoleErrors).as("browser console errors and failed requests (a CSP violation or a missing script would show here)").isEmpty();
        }
    }
}
