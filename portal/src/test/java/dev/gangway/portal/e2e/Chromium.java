package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by Playwright, headless, without Playwright's own browser download (see SETUP.md).
 * Every wait is bounded by {@link #TIMEOUT_MS}.
 */
final class Chromium implements AutoCloseable {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    static final double TIMEOUT_MS = 30_000;

    private final Playwright playwright;
    private final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Chromium launch() {
        assertThat(Files.isExecutable(EXECUTABLE)).as(EXECUTABLE + " is missing: apt-get install chromium"
                + " (script/test installs it)").isTrue();
        PlaywrightAssertions.setDefaultAssertionTimeout(TIMEOUT_MS);
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(EXECUTABLE)
                    .setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                            "--no-proxy-server")));
            return new Chromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** A fresh browser profile (cookies, storage) that accepts downloads. */
    BrowserContext newContext() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true));
        context.setDefaultTimeout(TIMEOUT_MS);
        context.setDefaultNavigationTimeout(TIMEOUT_MS);
        return context;
    }

    /** A phone: 390 × 844 CSS pixels, touch, mobile viewport rules (an iPhone 14-sized screen). */
    BrowserContext newPhoneContext() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setDeviceScaleFactor(3).setIsMobile(true).setHasTouch(true));
        context.setDefaultTimeout(TIMEOUT_MS);
        context.setDefaultNavigationTimeout(TIMEOUT_MS);
        return context;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
