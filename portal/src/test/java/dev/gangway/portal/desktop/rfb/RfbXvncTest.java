package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.MachineTools;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against a real TigerVNC Xvnc on loopback: the framebuffer must equal the X server's own screen
 * ({@code xwd -root}) pixel for pixel with each encoding, typed keys and clipboard text must reach an xterm (and its
 * selection come back), and VNC passwords must work
 * and fail as they should. Skipped without Xvnc (failed in CI); every process started is killed and checked gone.
 */
class RfbXvncTest {

    private static final int COLOUR = 0xFF3366CC;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A client reading on its own thread that asks for the next update as soon as one is done. */
    private static final class LiveClient implements AutoCloseable {
        final Socket socket;
        final RfbClient client;
        final Thread reader;
        final List<String> serverCutTexts = new CopyOnWriteArrayList<>();
        volatile Throwable failure;

        LiveClient(XvncServer server, RfbSettings settings, PasswordSource passwords) throws IOException {
            socket = server.connect();
            client = RfbClient.connect(socket.getInputStream(), socket.getOutputStream(), settings, passwords);
            reader = new Thread(() -> {
                try {
                    client.run(new RfbListener() {
                        @Override
                        public void serverCutText(String text) {
                            serverCutTexts.add(text);
                        }

                        @Override
                        public void updateDone() {
                            try {
                                client.requestUpdate(true);
                            } catch (IOException e) {
                                failure = e;
                            }
                        }
                    });
                } catch (Throwable t) {
                    failure = t;
                }
            }, "rfb-reader-test");
            reader.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                reader.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(reader.isAlive()).as("the reader thread ends when the socket closes").isFalse();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s in vain for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the client's framebuffer equals the X server's screen (a finite wait, not a time measurement). */
    private static void awaitSameScreen(XvncServer server, LiveClient live) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            int[] truth = server.xwdRoot();
            int[] ours = live.client.framebuffer().snapshot();
            int differing = 0;
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] != ours[i]) {
                    differing++;
                }
            }
            if (differing == 0) {
                return;
            }
            assertThat(live.failure).as("the reader thread failed").isNull();
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(differing + " of " + truth.length + " pixels still differ from the X "
                        + "server's screen after " + PATIENCE.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    @ParameterizedTest(name = "encodings {0}")
    @ValueSource(strings = {"16", "7", "0", "16,7,1,0"})
    void framebufferEqualsTheXServersScreen(String encodings) throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        RfbSettings settings = RfbSettings.defaults().withEncodings(
                Arrays.stream(encodings.split(",")).map(Integer::valueOf).toArray(Integer[]::new));
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            // a known colour and text; on Return, 40 lines scrolled one by one (no jump scroll): Xvnc sends CopyRect
            // for a scroll whose result is still on screen at the next update, which depends on timing, so the
            // test checks the outcome (the same pixels), not the encoding
            server.startClient("xterm", "+j", "-geometry", "30x8+0+0", "-bg", "#3366cc", "-fg", "#ffee00", "-e", "sh",
                    "-c", "echo waiting; read go; for i in $(seq 1 40); do echo line $i of the test; done; exec cat");
            try (LiveClient live = new LiveClient(server, settings, PasswordSource.NONE)) {
                ServerInit init = live.client.serverInit();
                assertThat(init.width()).isEqualTo(320);
                assertThat(init.height()).isEqualTo(240);
                assertThat(init.version()).isEqualTo("3.8");

                await("the xterm on the X server", () -> xwdPixel(server, 150, 40) == COLOUR);
                awaitSameScreen(server, live);
                assertThat(live.client.framebuffer().pixel(150, 40)).isEqualTo(COLOUR);

                int[] before = server.xwdRoot();
                live.client.pointerEvent(150, 40, 0);
                live.client.keyEvent(0xff0d, true);
                live.client.keyEvent(0xff0d, false);
                await("the scrolled text on the X server", () -> !Arrays.equals(xwdRoot(server), before));
                awaitSameScreen(server, live);
            }
        }
    }

    private static int xwdPixel(XvncServer server, int x, int y) {
        return xwdRoot(server)[y * 320 + x];
    }

    private static int[] xwdRoot(XvncServer server) {
        try {
            return server.xwdRoot();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void typedKeysReachAnXterm() throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        Path typed = dir.resolve("typed.txt");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            server.startClient("xterm", "-geometry", "30x8+0+0", "-bg", "#3366cc", "-e", "sh", "-c",
                    "read line; printf '%s' \"$line\" > '" + typed + "'; exec cat");
            try (LiveClient live = new LiveClient(server, RfbSettings.defaults(), PasswordSource.NONE)) {
                await("the xterm in our framebuffer", () -> live.client.framebuffer().pixel(150, 40) == COLOUR);
                live.client.pointerEvent(150, 40, 0); // no window manager: the keyboard follows the pointer
                for (char c : "Hello, VNC".toCharArray()) {
                    boolean shift = Character.isUpperCase(c);
                    if (shift) {
                        live.client.keyEvent(0xffe1, true);
                    }
                    live.client.keyEvent(c, true);
                    live.client.keyEvent(c, false);
                    if (shift) {
                        live.client.keyEvent(0xffe1, false);
                    }
                }
                live.client.keyEvent(0xff0d, true);
                live.client.keyEvent(0xff0d, false);

                await("the line typed into the xterm", () -> {
                    try {
                        return Files.exists(typed) && Files.readString(typed).equals("Hello, VNC");
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
        }
    }

    @Test
    void clipboardBothWays() throws Exception {
        XvncServer.assumeInstalled("xterm", "xwd");
        Path pasted = dir.resolve("pasted.txt");
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "None")) {
            server.startClient("xterm", "-geometry", "30x8+0+0", "-bg", "#3366cc", "-e", "sh", "-c",
                    // 14 characters without waiting for a line end: the paste arrives after the click, asynchronously
                    "echo clipboardword; stty -icanon; head -c 14 > '" + pasted + "'; exec cat");
            try (LiveClient live = new LiveClient(server, RfbSettings.defaults(), PasswordSource.NONE)) {
                await("the xterm in our framebuffer", () -> live.client.framebuffer().pixel(150, 40) == COLOUR);

                // ours to theirs: Xvnc owns the selection with our text; a middle click pastes it into the xterm
                live.client.clientCutText("pasted via VNC");
                live.client.pointerEvent(150, 40, 0);
                live.client.pointerEvent(150, 40, 2);
                live.client.pointerEvent(150, 40, 0);
                await("the pasted text in the xterm's file", () -> {
                    try {
                        return Files.exists(pasted) && Files.readString(pasted).equals("pasted via VNC");
                    } catch (IOException e) {
                        return false;
                    }
                });

                // theirs to ours: a double click selects the word on the xterm's first line; Xvnc sends it
                live.client.pointerEvent(20, 8, 1);
                live.client.pointerEvent(20, 8, 0);
                live.client.pointerEvent(20, 8, 1);
                live.client.pointerEvent(20, 8, 0);
                await("the xterm's selection as ServerCutText", () -> live.serverCutTexts.contains("clipboardword"));
            }
        }
    }

    @Test
    void vncPassword() throws Exception {
        XvncServer.assumeInstalled();
        Path passwordFile = dir.resolve("passwd");
        Files.write(passwordFile, VncAuthentication.passwordFile("s3cret!x"));
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "VncAuth", "-PasswordFile",
                passwordFile.toString())) {
            try (LiveClient live = new LiveClient(server, RfbSettings.defaults(), PasswordSource.of("s3cret!x"))) {
                assertThat(live.client.serverInit().name()).isNotBlank();
                assertThat(live.client.framebuffer().width()).isEqualTo(320);
            }
            try (Socket socket = server.connect()) {
                assertThatThrownBy(() -> RfbClient.connect(socket.getInputStream(), socket.getOutputStream(),
                        RfbSettings.defaults(), PasswordSource.of("s3cret!y")))
                        .isInstanceOf(RfbAuthenticationException.class)
                        .hasMessageStartingWith("wrong VNC password");
            }
            try (Socket socket = server.connect()) {
                assertThatThrownBy(() -> RfbClient.connect(socket.getInputStream(), socket.getOutputStream(),
                        RfbSettings.defaults(), PasswordSource.NONE))
                        .isInstanceOf(RfbAuthenticationException.class)
                        .hasMessage("the VNC server asks for a password, and none is set for this service");
            }
        }
    }

    @Test
    void noSecurityTypeInCommon() throws Exception {
        XvncServer.assumeInstalled();
        try (XvncServer server = XvncServer.start(dir, 320, 240, "-SecurityTypes", "TLSNone");
                Socket socket = server.connect()) {
            assertThatThrownBy(() -> RfbClient.connect(socket.getInputStream(), socket.getOutputStream(),
                    RfbSettings.defaults(), PasswordSource.NONE))
                    .isInstanceOf(RfbProtocolException.class)
                    .hasMessage("the VNC server offers no security type we support: VeNCrypt (19) "
                            + "(we support None and VNC password)");
        }
    }

    @Test
    void passwordFileMatchesVncpasswd() throws Exception {
        XvncServer.assumeInstalled("vncpasswd");
        Path vncpasswd = MachineTools.which("vncpasswd").orElseThrow();
        Process p = new ProcessBuilder(vncpasswd.toString(), "-f").start();
        p.getOutputStream().write("s3cret!x\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        byte[] expected = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();

        assertThat(VncAuthentication.passwordFile("s3cret!x")).isEqualTo(expected);
    }
}
