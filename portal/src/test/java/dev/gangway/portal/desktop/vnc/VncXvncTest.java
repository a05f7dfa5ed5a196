package dev.gangway.portal.desktop.vnc;

import static dev.gangway.portal.desktop.vnc.FakeBrowser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import dev.gangway.portal.desktop.rfb.VncAuthentication;
import dev.gangway.portal.desktop.rfb.XvncServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter against a real TigerVNC Xvnc on loopback, through a tunnel stream over a socket: the picture the
 * browser model rebuilds from the Guacamole instructions equals the X server's own screen ({@code xwd -root}) pixel
 * for pixel, before and after an xterm scrolls; keys typed as Guacamole {@code key} instructions reach the xterm;
 * the clipboard works both ways; the VNC password is asked from the browser when none is stored. Skipped without
 * Xvnc, xterm or xwd (failed under {@code CI=true}); every process is killed and checked gone, and no session thread
 * is left.
 */
class VncXvncTest {

    private static final int COLOUR = 0xFF3366CC;

    @TempDir
    Path dir;

    private final String sessionId = UUID.randomUUID().toString();
    private final FakeBrowser browser = new FakeBrowser();
    private VncDesktopSession session;
    private Thread runner;
    private volatile DesktopEnd end;

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) {
            session.close(DesktopEnd.closedByUser());
            runner.join(FakeBrowser.PATIENCE.toMillis());
            assertThat(runner.isAlive()).as("run() returned").isFalse();
        }
        String prefix = "gangway-desktop-" + sessionId.substring(0, 8);
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList()).as("threads left").isEmpty();
    }

    private static TunnelStreamOpener opener(XvncServer server) {
        return () -> SocketTunnelStream.over(new Socket(InetAddress.getLoopbackAddress(), server.port));
    }

    private void start(XvncServer server, String password) {
        DesktopRequest request = new DesktopRequest(sessionId, "d-test", "vnc", "panel", "127.0.0.1:" + server.port,
                false,
                password == null ? DesktopCredentials.NONE : new DesktopCredentials(null, password, null), 1024, 768,
                96, opener(server));
        session = new EmbeddedVncConverter(VncSettings.defaults().losslessOnly()).open(request);
        browser.session = session;
        runner = new Thread(() -> end = session.run(browser), "test-session-runner");
        runner.start();
    }

    private void receive(String opcode, Object... args) {
        session.receive(new GuacamoleInstruction(opcode, Arrays.stream(args).map(String::valueOf).toList()));
    }

    /** Starts a blue xterm running {@code script} at the top left, connects, and waits until the browser shows it. */
    private void showXterm(XvncServer server, String script) throws Exception {
        server.startClient("xterm", "-geometry", "30x8+0+0", "-bg", "#3366cc", "-e", "sh", "-c", script);
        start(server, null);
        await("the xterm in the browser", () -> {
            int[] screen = browser.screen();
            return screen != null && screen[40 * 320 + 150] == COLOUR;
        });
    }

    private static int[] xwdRoot(XvncServer server) {
        try {
            return server.xwdRoot();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The X screen's pixel count, or -1 while xwd cannot read it (its root window changed size during the read). */
    private static int screenPixels(XvncServer server) {
        try {
            return server.xwdRoot().length;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the browser's picture equals the X server's screen (a finite wait, not a time measurement). */
    private void awaitSameScreen(XvncServer server) throws Exception {
        Instant deadline = Instant.now().plus(FakeBrowser.PATIENCE);
        while (true) {
            int[] truth = server.xwdRoot();
            int[] ours = browser.screen();
            if (ours != null && Arrays.equals(truth, ours)) {
                return;
            }
            assertThat(end).as("the session ended").isNull();
            if (Instant.now().isAfter(deadline)) {
                long differing = ours == null ? truth.length
                        : java.util.stream.IntStream.range(0, truth.length).filter(i -> truth[i] != ours[i]).count();
                throw new AssertionError(differing + " of " + truth.length + " pixels still differ from the X "
                        + "server's screen");
            }
            Thread.sleep(100);
        }
    }

    private void type(String text) {
        for (char c : text.toCharArray()) {
            receive("key", (int) c, 1);
            receive("key", (int) c, 0);
        }
        receive("key", 0xff0d, 1);
        receive("key", 0xff0d, 0);
    }

    private static boolean fileHolds(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).equals(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theBrowsersPictureEqualsTheXServersScreen() throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            server.startClient("xterm", "+j", "-geometry", "30x8+0+0", "-bg", "#3366cc", "-fg", "#ffee00", "-e", "sh",
                    "-c", "echo waiting; read go; for i in $(seq 1 40); do echo line $i of the test; done; exec cat");
            await("the xterm on the X server", () -> xwdRoot(server)[40 * 320 + 150] == COLOUR);
            start(server, null);
            awaitSameScreen(server);
            assertThat(browser.all("size").get(0).toString()).isEqualTo("4.size,1.0,3.320,3.240;");

            int[] before = server.xwdRoot();
            receive("mouse", 150, 40, 0); // no window manager: the keyboard follows the pointer
            receive("key", 0xff0d, 1);
            receive("key", 0xff0d, 0);
            await("the scrolled text on the X server", () -> !Arrays.equals(xwdRoot(server), before));
            awaitSameScreen(server);
            assertThat(browser.cursor()).as("Xvnc's cursor shape").isNotNull();

            VncSessionStats stats = session.stats();
            assertThat(stats.frames()).isGreaterThan(1);
            assertThat(stats.bytesFromDevice()).isGreaterThan(0);

            DesktopEnd reason = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "closed in the test");
            Thread closer = new Thread(() -> session.close(reason));
            closer.start();
            runner.join(FakeBrowser.PATIENCE.toMillis());
            assertThat(end).isEqualTo(reason);
        }
    }

    @Test
    void theBrowsersSizeResizesTheXServer() throws Exception {
        XvncServer.assumeInstalled("xwd");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            start(server, null);
            awaitSameScreen(server);
            receive("size", 320, 240); // the size it has: nothing to do
            receive("size", 400, 300);
            await("the X server at 400×300", () -> screenPixels(server) == 400 * 300);
            await("the browser told the new size", () -> browser.all("size").stream()
                    .anyMatch(i -> i.toString().equals("4.size,1.0,3.400,3.300;")));
            awaitSameScreen(server);
            // sizes asked while the first is in flight: only the latest is sent after the answer
            receive("size", 500, 200);
            receive("size", 360, 280);
            await("the X server at 360×280", () -> screenPixels(server) == 360 * 280);
            awaitSameScreen(server);
        }
    }

    @Test
    void typedKeysReachAnXterm() throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        Path typed = dir.resolve("typed.txt");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            showXterm(server, "read line; printf '%s' \"$line\" > '" + typed + "'; exec cat");
            receive("mouse", 150, 40, 0);
            // Guacamole sends the keysym of the character typed; Xvnc adds Shift itself where the keymap needs it
            type("Hello, VNC");
            await("the line typed into the xterm", () -> fileHolds(typed, "Hello, VNC"));
        }
    }

    @Test
    void clipboardBothWays() throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        Path pasted = dir.resolve("pasted.txt");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            showXterm(server, "echo clipboardword; stty -icanon; head -c 16 > '" + pasted + "'; exec cat");

            // the browser's clipboard to the server: Xvnc owns the selection; a middle click pastes it
            receive("clipboard", 1, "text/plain");
            receive("blob", 1, Base64.getEncoder().encodeToString("from the browser".getBytes(
                    StandardCharsets.UTF_8)));
            receive("end", 1);
            receive("mouse", 150, 40, 0);
            receive("mouse", 150, 40, 2);
            receive("mouse", 150, 40, 0);
            await("the pasted text in the xterm's file", () -> fileHolds(pasted, "from the browser"));

            // the xterm's selection to the browser: a double click selects the word
            receive("mouse", 20, 8, 1);
            receive("mouse", 20, 8, 0);
            receive("mouse", 20, 8, 1);
            receive("mouse", 20, 8, 0);
            await("the xterm's selection in the browser", () -> browser.clipboard.contains("clipboardword"));
            List<GuacamoleInstruction> clip = browser.all("clipboard");
            assertThat(clip.get(0).getArgs().get(1)).isEqualTo("text/plain");
        }
    }

    @Test
    void thePasswordIsAskedFromTheBrowser() throws Exception {
        XvncServer.assumeInstalled();
        Path passwordFile = dir.resolve("passwd");
        Files.write(passwordFile, VncAuthentication.passwordFile("s3cret!x"));
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "VncAuth", "-PasswordFile",
                passwordFile.toString())) {
            start(server, null);
            await("the password request", () -> !browser.all("required").isEmpty());
            receive("argv", 0, "text/plain", "password");
            receive("blob", 0, Base64.getEncoder().encodeToString("s3cret!x".getBytes(StandardCharsets.UTF_8)));
            receive("end", 0);
            await("the first frame", () -> !browser.syncs.isEmpty());
            assertThat(browser.screenWidth()).isEqualTo(320);
        }
    }

    @Test
    void aWrongStoredPasswordEndsTheSession() throws Exception {
        XvncServer.assumeInstalled();
        Path passwordFile = dir.resolve("passwd");
        Files.write(passwordFile, VncAuthentication.passwordFile("s3cret!x"));
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "VncAuth", "-PasswordFile",
                passwordFile.toString())) {
            start(server, "s3cret!y");
            runner.join(FakeBrowser.PATIENCE.toMillis());
            assertThat(end.status()).isEqualTo(GuacamoleStatus.CLIENT_UNAUTHORIZED);
            assertThat(end.message()).startsWith("wrong VNC password");
            assertThat(browser.all("required")).isEmpty();
        }
    }
}
