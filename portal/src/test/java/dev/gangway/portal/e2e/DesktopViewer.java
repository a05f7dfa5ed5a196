package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * The remote-desktop viewer page as the tests work it, through the element ids of the page contract:
 * {@code #desktop-status} (with {@code data-state}), {@code #desktop-display}, {@code #desktop-view-only},
 * {@code #clipboard-text}, {@code #clipboard-send}, {@code #desktop-password-form}. What the browser shows is read
 * from screenshots of the display; remote screen coordinates are mapped to the page through the bounding box of the
 * display's default layer (its largest canvas, drawn 1:1 in remote pixels and scaled by CSS).
 */
final class DesktopViewer {

    /** How close (each of red, green, blue) a screenshot pixel must be to count as a colour: scaling blurs edges. */
    private static final int TOLERANCE = 12;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Page page;
    private final List<String> console = new CopyOnWriteArrayList<>();

    DesktopViewer(Page page) {
        this.page = page;
        page.onConsoleMessage(message -> console.add(message.type() + ": " + message.text()));
        page.onPageError(error -> console.add("page error: " + error));
        page.onWebSocket(socket -> {
            console.add("WebSocket opened: " + socket.url());
            socket.onClose(closed -> console.add("WebSocket closed: " + closed.url()));
        });
    }

    /** What the page showed and logged, for a failure report. */
    String describe() {
        StringBuilder text = new StringBuilder("--- viewer page ").append(page.isClosed() ? "(closed) " : "");
        if (!page.isClosed()) {
            try {
                text.append(page.url()).append("\nstatus [").append(status().getAttribute("data-state",
                        new Locator.GetAttributeOptions().setTimeout(1000))).append("] ")
                        .append(status().textContent(new Locator.TextContentOptions().setTimeout(1000)));
            } catch (RuntimeException e) {
                text.append("<cannot read the status: ").append(e.getMessage()).append('>');
            }
        }
        text.append('\n');
        console.forEach(line -> text.append("  ").append(line).append('\n'));
        return text.toString();
    }

    Page page() {
        return page;
    }

    Locator status() {
        return page.locator("#desktop-status");
    }

    /** Waits for {@code data-state} to become {@code state}, failing with the status text seen. */
    void awaitState(String state) {
        awaitTrue(() -> {
            String now = status().getAttribute("data-state");
            if ("ended".equals(now) && !"ended".equals(state)) {
                throw new AssertionError("the session ended instead of becoming " + state + ": " + statusText());
            }
            return state.equals(now);
        }, () -> "not " + state + " after " + WAIT + "; status [" + status().getAttribute("data-state") + "] "
                + statusText());
    }

    /** Waits until the server asks for the VNC password, types it, and submits the form. */
    void enterPassword(String password) {
        Locator form = page.locator("#desktop-password-form");
        awaitTrue(() -> {
            if ("ended".equals(status().getAttribute("data-state"))) {
                throw new AssertionError("the session ended instead of asking for the password: " + statusText());
            }
            return form.isVisible();
        }, () -> "no password question; status [" + status().getAttribute("data-state") + "] " + statusText());
        form.locator("#desktop-password").fill(password);
        form.locator("button[type=submit], input[type=submit]").first().click();
    }

    /** Waits until the page is connected, answering a password question with {@code password} if one comes. */
    void connect(String password) {
        Locator form = page.locator("#desktop-password-form");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String state = status().getAttribute("data-state");
            if ("connected".equals(state)) {
                return;
            }
            if ("ended".equals(state)) {
                throw new AssertionError("the desktop session ended instead of connecting: " + statusText());
            }
            if (password != null && form.isVisible()) {
                enterPassword(password);
                awaitState("connected");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not connected after " + WAIT + "; state " + state + ": " + statusText());
            }
            pause();
        }
    }

    /** Presses "Fit remote"; returns the display area's size in CSS pixels {width, height}: what the page sends. */
    int[] fitRemote() {
        page.locator("#desktop-fit").click();
        PlaywrightAssertions.assertThat(page.locator("#desktop-fit")).hasAttribute("aria-pressed", "true");
        Locator display = page.locator("#desktop-display");
        return new int[] {((Number) display.evaluate("e => e.clientWidth")).intValue(),
                ((Number) display.evaluate("e => e.clientHeight")).intValue()};
    }

    /** The remote screen's size as the page shows it, {width, height} ({@code data-remote-*}; 0 before any). */
    int[] remoteSize() {
        Locator display = page.locator("#desktop-display");
        String width = display.getAttribute("data-remote-width");
        String height = display.getAttribute("data-remote-height");
        return new int[] {width == null ? 0 : Integer.parseInt(width), height == null ? 0 : Integer.parseInt(height)};
    }

    String statusText() {
        return status().textContent().strip();
    }

    /** The share of the display's screenshot pixels that are {@code rgb} (within {@link #TOLERANCE}). */
    double share(int rgb) {
        BufferedImage image = screenshot();
        int match = 0;
        int total = image.getWidth() * image.getHeight();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), rgb)) {
                    match++;
                }
            }
        }
        return total == 0 ? 0 : (double) match / total;
    }

    /** Waits until at least {@code minimum} of the display shows {@code rgb}; fails with the share seen last. */
    void awaitShare(int rgb, double minimum) {
        double[] last = {0};
        awaitTrue(() -> (last[0] = share(rgb)) >= minimum,
                () -> String.format("share of #%06x in the display: %.3f, wanted at least %.2f; status %s", rgb,
                        last[0], minimum, statusText()));
    }

    /** The colour the browser shows at remote pixel {@code (x, y)}, read from a screenshot of the page. */
    int colourAt(int x, int y) {
        double[] at = pagePoint(x, y);
        BufferedImage image = pageScreenshot();
        return image.getRGB((int) Math.round(at[0]), (int) Math.round(at[1])) & 0xFFFFFF;
    }

    /** Clicks (left button) at remote pixel {@code (x, y)}. */
    void clickAt(int x, int y) {
        double[] at = pagePoint(x, y);
        page.mouse().click(at[0], at[1]);
    }

    /**
     * Types {@code text} then Enter on the page's keyboard as a person does: capital letters with Shift held (a bare
     * {@code keyboard().type("H")} sends "H" without Shift, which no physical keyboard does).
     */
    void typeLine(String text) {
        for (char c : text.toCharArray()) {
            if (Character.isUpperCase(c)) {
                page.keyboard().press("Shift+" + c);
            } else {
                page.keyboard().type(String.valueOf(c));
            }
        }
        page.keyboard().press("Enter");
    }

    /** Puts {@code text} in the clipboard panel and sends it to the remote desktop. */
    void sendClipboard(String text) {
        if (!page.locator("#clipboard-text").isVisible()) {
            page.locator("#desktop-clipboard-toggle").click();
        }
        page.locator("#clipboard-text").fill(text);
        page.locator("#clipboard-send").click();
    }

    Locator clipboardText() {
        return page.locator("#clipboard-text");
    }

    /**
     * A hand-made Guacamole client on the page's own WebSocket (same origin, the user's cookie), not the viewer's
     * code: after the first frame it sends a left click at remote {@code (x, y)}, the keys of {@code text} and
     * Enter, then an internal ping; returns {@code "ping echoed"} once the ping comes back (the portal handles a
     * session's instructions in order, so the input has been dealt with by then) or {@code "error: <message>"} if
     * the portal ends the session instead.
     */
    String injectInput(int x, int y, String text) {
        Object result = page.evaluate("""
                async ({x, y, text}) => {
                  const root = document.getElementById('desktop');
                  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
                      + root.getAttribute('data-tunnel-url') + '?' + root.getAttribute('data-connect')
                      + '&width=1024&height=768&dpi=96';
                  const encode = (...parts) => parts.map(p => String(p).length + '.' + p).join(',') + ';';
                  const ws = new WebSocket(url, 'guacamole');
                  let buffer = '';
                  let sent = false;
                  const ping = String(Date.now());
                  const parse = () => {
                    const instructions = [];
                    for (;;) {
                      const parts = [];
                      let i = 0;
                      for (;;) {
                        const dot = buffer.indexOf('.', i);
                        if (dot < 0) return instructions;
                        const length = parseInt(buffer.substring(i, dot), 10);
                        const end = dot + 1 + length;
                        if (end >= buffer.length) return instructions;
                        parts.push(buffer.substring(dot + 1, end));
                        i = end + 1;
                        if (buffer[end] === ';') break;
                      }
                      buffer = buffer.substring(i);
                      instructions.push(parts);
                    }
                  };
                  return await new Promise((resolve) => {
                    const timer = setTimeout(() => { ws.close(); resolve('no answer: ' + buffer.substring(0, 200)); },
                        20000);
                    const finish = (what) => { clearTimeout(timer); ws.close(); resolve(what); };
                    ws.onmessage = (event) => {
                      buffer += event.data;
                      for (const parts of parse()) {
                        if (parts[0] === 'error') { finish('error: ' + parts[1]); return; }
                        if (parts[0] === '' && parts[1] === 'ping' && parts[2] === ping) { finish('ping echoed'); return; }
                        if (parts[0] === 'sync') {
                          ws.send(encode('sync', parts[1]));
                          if (!sent) {
                            sent = true;
                            ws.send(encode('mouse', x, y, 0) + encode('mouse', x, y, 1) + encode('mouse', x, y, 0));
                            for (const c of text) {
                              ws.send(encode('key', c.codePointAt(0), 1) + encode('key', c.codePointAt(0), 0));
                            }
                            ws.send(encode('key', 0xFF0D, 1) + encode('key', 0xFF0D, 0));
                            ws.send(encode('', 'ping', ping));
                          }
                        }
                      }
                    };
                    ws.onclose = () => finish('closed: ' + buffer.substring(0, 200));
                  });
                }""", Map.of("x", x, "y", y, "text", text));
        return String.valueOf(result);
    }

    /** The page point (CSS pixels) showing remote pixel {@code (x, y)}. */
    double[] pagePoint(int x, int y) {
        @SuppressWarnings("unchecked")
        List<Number> box = (List<Number>) page.locator("#desktop-display").evaluate("""
                display => {
                  const canvases = [...display.querySelectorAll('canvas')];
                  if (canvases.length === 0) return null;
                  canvases.sort((a, b) => b.width * b.height - a.width * a.height);
                  const c = canvases[0];
                  const r = c.getBoundingClientRect();
                  return [r.left, r.top, r.width, r.height, c.width, c.height];
                }""");
        assertThat(box).as("a canvas in #desktop-display").isNotNull();
        double scaleX = box.get(2).doubleValue() / box.get(4).doubleValue();
        double scaleY = box.get(3).doubleValue() / box.get(5).doubleValue();
        return new double[] {box.get(0).doubleValue() + (x + 0.5) * scaleX, box.get(1).doubleValue() + (y + 0.5)
                * scaleY};
    }

    void close() {
        page.close();
    }

    private BufferedImage screenshot() {
        return decode(page.locator("#desktop-display").screenshot());
    }

    private BufferedImage pageScreenshot() {
        return decode(page.screenshot());
    }

    private static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as("a decodable screenshot").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code argb} is {@code rgb} within {@link #TOLERANCE} on each channel. */
    static boolean near(int argb, int rgb) {
        return Math.abs(((argb >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) <= TOLERANCE
                && Math.abs(((argb >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) <= TOLERANCE
                && Math.abs((argb & 0xFF) - (rgb & 0xFF)) <= TOLERANCE;
    }

    /** Polls {@code condition} until it holds, at most {@link #WAIT}; fails with {@code why}. */
    static void awaitTrue(BooleanSupplier condition, Supplier<String> why) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why.get());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
