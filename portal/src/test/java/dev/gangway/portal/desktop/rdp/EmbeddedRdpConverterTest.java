package dev.gangway.portal.desktop.rdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.MachineTools;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import dev.gangway.portal.desktop.vnc.EmbeddedVncConverter;
import dev.gangway.portal.desktop.vnc.VncSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded RDP converter against a real xrdp on loopback (in front of a target Xvnc), with a stand-in VNC
 * converter that reads the session's private Xvnc: the target's screen appears, keys reach an xterm on the target,
 * the password is on no command line and in no environment, and after every end (close, wrong user, unreachable
 * service, missing tools) no Xvnc or xfreerdp process, no {@code gangway-desktop-} thread and no session directory
 * is left.
 */
class EmbeddedRdpConverterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int COLOUR = 0x3366cc;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    @TempDir
    Path dir;

    private Path work() {
        return dir.resolve("work");
    }

    private RdpSettings settings() {
        return RdpSettings.defaults().withWorkDirectory(work()).withStartTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void nothingLeft() throws Exception {
        assertNothingLeft();
    }

    @Test
    void showsTheRdpScreenAndEndsCleanlyOnClose() throws Exception {
        RdpTarget.assumeInstalled();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#3366cc")) {
            RfbViewConverter view = new RfbViewConverter();
            EmbeddedRdpConverter converter = new EmbeddedRdpConverter(view, settings());
            assertThat(converter.unavailableReason()).isNull();
            DesktopSession session = converter.open(inControl(target));
            Running running = Running.start(session);

            await("the target's colour in the private Xvnc", () -> view.latest.get() != null
                    && view.latest.get().pixel(WIDTH / 2, HEIGHT / 2) == COLOUR
                    && view.latest.get().pixel(5, 5) == COLOUR);
            assertThat(view.lastRequest.get().kind()).isEqualTo("vnc");
            assertThat(view.lastRequest.get().width()).isEqualTo(WIDTH);

            // the password is on no command line and in no environment of the processes the session started
            List<ProcessHandle> started = sessionProcesses();
            assertThat(started).extracting(p -> p.info().command().orElse(""))
                    .anyMatch(c -> c.endsWith("xfreerdp")).anyMatch(c -> c.contains("vnc"));
            for (ProcessHandle p : started) {
                assertThat(p.info().commandLine().orElse("")).doesNotContain(RdpTarget.VNC_PASSWORD);
                byte[] environ = Files.readAllBytes(Path.of("/proc/" + p.pid() + "/environ"));
                assertThat(new String(environ, StandardCharsets.ISO_8859_1)).doesNotContain(RdpTarget.VNC_PASSWORD)
                        .doesNotContain("SPRING_").doesNotContain("GANGWAY_");
            }
            // the session's directory is private
            Path sessionDir;
            try (Stream<Path> sessions = Files.list(work())) {
                sessionDir = sessions.findFirst().orElseThrow();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionDir)))
                        .isEqualTo("rwx------");
            }
            // xfreerdp is confined: namespaces of its own, no capabilities, a file system of /usr, a few files of
            // /etc and its session directory
            assumeSandbox(converter);
            ProcessHandle freerdp = started.stream().filter(p -> p.info().command().orElse("").endsWith("xfreerdp"))
                    .findFirst().orElseThrow();
            Path proc = Path.of("/proc/" + freerdp.pid());
            for (String ns : List.of("mnt", "pid", "ipc", "uts")) {
                assertThat(Files.readSymbolicLink(proc.resolve("ns/" + ns))).as(ns + " namespace")
                        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)));
            }
            assertThat(Files.readAllLines(proc.resolve("status"))).as("its capabilities").contains("CapEff:\t"
                    + "0000000000000000");
            Path root = proc.resolve("root");
            assertThat(root.resolve(sessionDir.toString().substring(1)).resolve("xfreerdp.log")).exists();
            assertThat(root.resolve("usr/bin/xfreerdp")).exists();
            assertThat(root.resolve("etc/passwd")).exists();
            assertThat(root.resolve("etc/hostname")).as("the rest of /etc").doesNotExist();
            Path beside = Files.writeString(dir.resolve("beside-the-work-directory.txt"), "not for xfreerdp");
            assertThat(root.resolve(beside.toString().substring(1))).as("the rest of the file system").doesNotExist();
            assertThat(root.resolve("home")).doesNotExist();

            session.close(DesktopEnd.closedByUser());
            DesktopEnd end = running.end();
            assertThat(end).isEqualTo(DesktopEnd.closedByUser());
            assertNothingLeft();
        }
    }

    @Test
    void keysFromTheBrowserReachAnXtermOnTheRdpTarget() throws Exception {
        RdpTarget.assumeInstalled("xterm");
        Path typed = dir.resolve("typed.txt");
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#000000")) {
            target.x("xterm", "-geometry", "40x10+0+0", "-bg", "#3366cc", "-e", "sh", "-c",
                    "read line; printf '%s' \"$line\" > '" + typed + "'; exec cat");
            RfbViewConverter view = new RfbViewConverter();
            EmbeddedRdpConverter converter = new EmbeddedRdpConverter(view, settings());
            DesktopSession session = converter.open(inControl(target));
            Running running = Running.start(session);
            await("the xterm on the RDP screen", () -> view.latest.get() != null
                    && view.latest.get().pixel(100, 40) == COLOUR);
            // no window manager on the target: its keyboard follows the pointer, so move it onto the xterm
            session.receive(new GuacamoleInstruction("mouse", "100", "40", "0"));
            await("the pointer on the xterm", () -> {
                session.receive(new GuacamoleInstruction("mouse", "101", "40", "0"));
                session.receive(new GuacamoleInstruction("mouse", "100", "40", "0"));
                return pointerOver(target, 100, 40);
            });
            for (char c : "Hello, RDP".toCharArray()) {
                boolean shift = Character.isUpperCase(c);
                if (shift) {
                    key(session, 0xffe1, true);
                }
                key(session, c, true);
                key(session, c, false);
                if (shift) {
                    key(session, 0xffe1, false);
                }
            }
            key(session, 0xff0d, true);
            key(session, 0xff0d, false);
            await("the line typed into the xterm", () -> read(typed).equals("Hello, RDP"));

            session.close(DesktopEnd.closedByUser());
            assertThat(running.end()).isEqualTo(DesktopEnd.closedByUser());
        }
    }

    @Test
    void throughTheEmbeddedVncConverterTheBrowserSeesAndDrivesTheRdpTarget() throws Exception {
        RdpTarget.assumeInstalled("xterm", "xclip");
        Path typed = dir.resolve("typed.txt");
        ExecutorService browser = Executors.newSingleThreadExecutor();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#000000")) {
            target.x("xterm", "-geometry", "40x10+0+0", "-bg", "#3366cc", "-e", "sh", "-c",
                    "read line; printf '%s' \"$line\" > '" + typed + "'; exec cat");
            EmbeddedRdpConverter converter = new EmbeddedRdpConverter(
                    new EmbeddedVncConverter(VncSettings.defaults()), settings());
            DesktopSession session = converter.open(inControl(target));
            PictureSink picture = new PictureSink(i -> browser.execute(() -> session.receive(i)));
            CompletableFuture<DesktopEnd> running = new CompletableFuture<>();
            Thread thread = new Thread(() -> running.complete(session.run(picture)), "test-session");
            thread.setDaemon(true);
            thread.start();

            await("the xterm of the RDP target in the browser's picture", () -> picture.pixel(100, 40) == COLOUR);
            assertThat(picture.width()).isEqualTo(WIDTH);

            session.receive(new GuacamoleInstruction("mouse", "100", "40", "0"));
            await("the pointer on the xterm", () -> {
                session.receive(new GuacamoleInstruction("mouse", "101", "40", "0"));
                session.receive(new GuacamoleInstruction("mouse", "100", "40", "0"));
                return pointerOver(target, 100, 40);
            });
            for (char c : "typed in a browser".toCharArray()) {
                key(session, c, true);
                key(session, c, false);
            }
            key(session, 0xff0d, true);
            key(session, 0xff0d, false);
            await("the line typed into the xterm", () -> read(typed).equals("typed in a browser"));

            // the target's clipboard reaches the browser (xrdp's libvnc, RDP cliprdr, xfreerdp, the private Xvnc)
            Process copy = target.x("sh", "-c", "printf 'from the target' | xclip -i -selection clipboard");
            copy.waitFor();
            await("the target's clipboard in the browser", () -> picture.clipboard().contains("from the target"));

            // the browser's clipboard reaches the RDP server: xrdp logs the CF_UNICODETEXT data it received
            // (16 characters and a NUL in UTF-16: 34 bytes). Whether xrdp's libvnc then hands it on to the target
            // Xvnc is xrdp's business (it does so only some of the time with TigerVNC 1.12 here).
            session.receive(new GuacamoleInstruction("clipboard", "7", "text/plain"));
            session.receive(new GuacamoleInstruction("blob", "7",
                    Base64.getEncoder().encodeToString("from the browser".getBytes(StandardCharsets.UTF_8))));
            session.receive(new GuacamoleInstruction("end", "7"));
            await("the browser's text at the RDP server", () -> read(dir.resolve("xrdp.log"))
                    .contains("got clip data type CB_FORMAT_DATA_RESPONSE msg_flags 1 length 34"));

            session.close(DesktopEnd.closedByUser());
            assertThat(running.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DesktopEnd.closedByUser());
        } finally {
            browser.shutdownNow();
        }
    }

    private static String xclip(RdpTarget target) {
        try {
            ProcessBuilder builder = new ProcessBuilder("xclip", "-o", "-selection", "clipboard");
            builder.environment().put("DISPLAY", ":" + target.display);
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    @Test
    void whenThePrivateXServerDiesTheSessionEndsAndNothingIsLeft() throws Exception {
        RdpTarget.assumeInstalled();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#3366cc")) {
            RfbViewConverter view = new RfbViewConverter();
            DesktopSession session = new EmbeddedRdpConverter(view, settings()).open(inControl(target));
            Running running = Running.start(session);
            await("the target's colour", () -> view.latest.get() != null
                    && view.latest.get().pixel(WIDTH / 2, HEIGHT / 2) == COLOUR);
            ProcessHandle xvnc = sessionProcesses().stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("-rfbauth")).findFirst().orElseThrow();
            String display = List.of(xvnc.info().arguments().orElseThrow()).get(0);
            xvnc.destroyForcibly();

            DesktopEnd end = running.end();
            assertThat(end.status()).isEqualTo(GuacamoleStatus.SERVER_ERROR);
            assertThat(end.message()).startsWith("the private X server of this RDP session stopped (exit code ");
            assertThat(Path.of("/tmp/.X" + display.substring(1) + "-lock")).as("the X lock file").doesNotExist();
            assertThat(Path.of("/tmp/.X11-unix/X" + display.substring(1))).as("the X socket").doesNotExist();
        }
    }

    @Test
    void closingWhileTheSessionStartsLeavesNothing() throws Exception {
        RdpTarget.assumeInstalled();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#3366cc")) {
            EmbeddedRdpConverter converter = new EmbeddedRdpConverter(new RfbViewConverter(), settings());
            // whichever step the close lands in (Xvnc starting, xfreerdp connecting, the view running), the end is
            // the close's and everything is released
            for (int i = 0; i < 3; i++) {
                DesktopSession session = converter.open(inControl(target));
                Running running = Running.start(session);
                if (i > 0) {
                    await("some progress", () -> !sessionProcesses().isEmpty());
                }
                session.close(DesktopEnd.closedByUser());
                assertThat(running.end()).isEqualTo(DesktopEnd.closedByUser());
                assertNothingLeft();
            }
            assertThat(converter.liveSessions()).isZero();
        }
    }

    @Test
    void missingCredentialsAreAskedFromTheBrowser() throws Exception {
        RdpTarget.assumeInstalled();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#3366cc")) {
            RfbViewConverter view = new RfbViewConverter();
            DesktopSession session = new EmbeddedRdpConverter(view, settings())
                    .open(request(target.rdpPort, DesktopCredentials.NONE));
            List<String> sent = new CopyOnWriteArrayList<>();
            Running running = Running.start(session, sent);
            await("the required instruction", () -> !sent.isEmpty());
            assertThat(sent.get(0)).isEqualTo("8.required,8.username,8.password;");
            answer(session, "1", "username", "someone");
            answer(session, "2", "password", RdpTarget.VNC_PASSWORD);
            assertThat(sent).contains("3.ack,1.1,2.OK,1.0;", "3.ack,1.2,2.OK,1.0;");
            await("the target's colour", () -> view.latest.get() != null
                    && view.latest.get().pixel(WIDTH / 2, HEIGHT / 2) == COLOUR);
            session.close(DesktopEnd.closedByUser());
            assertThat(running.end()).isEqualTo(DesktopEnd.closedByUser());
        }
    }

    @Test
    void aViewerWithNobodyInControlLogsNobodyOn() throws Exception {
        RdpTarget.assumeInstalled();
        DesktopRequest viewOnly = viewer("s-view", "d-test", failingOpener());
        DesktopEnd end = new EmbeddedRdpConverter(new RfbViewConverter(), settings()).open(viewOnly).run(s -> { });
        assertThat(end.status()).isEqualTo(GuacamoleStatus.UPSTREAM_NOT_FOUND);
        assertThat(end.message()).isEqualTo("nobody is using hmi-pc now: with view rights you watch the RDP session of"
                + " a user in control, and none is open (watching logs nobody on)");
        assertNothingLeft();
    }

    @Test
    void aViewerWatchesTheSessionOfTheUserInControl() throws Exception {
        RdpTarget.assumeInstalled();
        try (RdpTarget target = RdpTarget.start(dir, WIDTH, HEIGHT, "#3366cc")) {
            RfbViewConverter view = new RfbViewConverter();
            EmbeddedRdpConverter converter = new EmbeddedRdpConverter(view, settings());
            DesktopSession control = converter.open(inControl(target));
            Running controlling = Running.start(control);
            await("the target's colour for the user in control", () -> view.latest.get() != null
                    && view.latest.get().pixel(WIDTH / 2, HEIGHT / 2) == COLOUR);
            RfbViewConverter.View controlView = view.latest.get();
            List<ProcessHandle> before = sessionProcesses();

            // another device's viewer finds nothing to watch; this device's viewer joins the private screen
            assertThat(converter.open(viewer("s-other", "d-other", failingOpener())).run(s -> { }).status())
                    .isEqualTo(GuacamoleStatus.UPSTREAM_NOT_FOUND);
            DesktopSession watching = converter.open(viewer("s-watch", "d-test", failingOpener()));
            Running watcher = Running.start(watching);
            await("the target's colour for the viewer", () -> view.latest.get() != controlView
                    && view.latest.get().pixel(WIDTH / 2, HEIGHT / 2) == COLOUR);
            assertThat(view.lastRequest.get().viewOnly()).as("the viewer's VNC session is view-only").isTrue();
            assertThat(view.lastRequest.get().sessionId()).isEqualTo("s-watch");
            assertThat(sessionProcesses()).as("no second logon: the same xfreerdp and Xvnc")
                    .containsExactlyInAnyOrderElementsOf(before);

            // the user in control leaves: the viewer's session ends with a sentence
            control.close(DesktopEnd.closedByUser());
            assertThat(controlling.end()).isEqualTo(DesktopEnd.closedByUser());
            DesktopEnd watched = watcher.end();
            assertThat(watched.status()).isEqualTo(GuacamoleStatus.SESSION_CLOSED);
            assertThat(watched.message()).isEqualTo("the RDP session you were watching ended (its user left or was "
                    + "disconnected)");
            assertNothingLeft();
        }
    }

    /** A user in control, with the target's stored credentials. */
    private static DesktopRequest inControl(RdpTarget target) {
        return request(target.rdpPort, new DesktopCredentials("someone", RdpTarget.VNC_PASSWORD, null));
    }

    private static DesktopRequest viewer(String sessionId, String deviceId, TunnelStreamOpener opener) {
        return new DesktopRequest(sessionId, deviceId, "rdp", "hmi-pc", "198.18.0.9:3389", true,
                DesktopCredentials.NONE, WIDTH, HEIGHT, 96, opener);
    }

    @Test
    void anUnreachableServiceEndsWithTheTunnelsMessage() throws Exception {
        RdpTarget.assumeInstalled();
        DesktopSession session = new EmbeddedRdpConverter(new RfbViewConverter(), settings())
                .open(new DesktopRequest("s-unreachable", "d-test", "rdp", "hmi-pc", "198.18.0.9:3389", false,
                        new DesktopCredentials("someone", "secret", null), WIDTH, HEIGHT, 96, failingOpener()));
        DesktopEnd end = session.run(s -> { });
        assertThat(end).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                "the agent could not connect to 198.18.0.9:3389: connection refused"));
    }

    @Test
    void aRefusedLogonEndsWithAClearMessage() throws Exception {
        RdpTarget.assumeInstalled("xrdp-sesman");
        try (RdpTarget target = RdpTarget.startWithSesman(dir)) {
            DesktopSession session = new EmbeddedRdpConverter(new RfbViewConverter(), settings())
                    .open(request(target.rdpPort, new DesktopCredentials("gangway-no-such-user", "wrong", null)));
            DesktopEnd end = Running.start(session).end();
            assertThat(end).isEqualTo(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                    "the RDP server ended the connection during logon: check the RDP user name and password"));
            assertThat(read(dir.resolve("sesman-file.log"))).contains("gangway-no-such-user");
        }
    }

    /** Skips without a working bubblewrap, except under CI=true (script/test installs it), where it fails. */
    private static void assumeSandbox(EmbeddedRdpConverter converter) {
        MachineTools.require(converter.sandboxed(),
                "xfreerdp is not sandboxed here: bubblewrap is missing or cannot make namespaces");
    }

    @Test
    void theSandboxSettingIsHonoured() {
        RdpTarget.assumeInstalled();
        Path missing = Path.of("/nonexistent/bwrap");
        EmbeddedRdpConverter required = new EmbeddedRdpConverter(new RfbViewConverter(),
                settings().withSandbox(RdpSettings.Sandbox.REQUIRED, missing));
        assertThat(required.sandboxed()).isFalse();
        assertThat(required.unavailableReason()).startsWith("RDP in the browser is set to run FreeRDP in a sandbox,"
                + " and bubblewrap cannot make one on the portal host: install bubblewrap");
        EmbeddedRdpConverter auto = new EmbeddedRdpConverter(new RfbViewConverter(),
                settings().withSandbox(RdpSettings.Sandbox.AUTO, missing));
        assertThat(auto.sandboxed()).isFalse();
        assertThat(auto.unavailableReason()).as("auto without bwrap runs unsandboxed").isNull();
        assertThat(new EmbeddedRdpConverter(new RfbViewConverter(), settings().withSandbox(RdpSettings.Sandbox.OFF,
                settings().bwrap())).sandboxed()).isFalse();
        assertThatThrownBy(() -> RdpSettings.Sandbox.parse("maybe"))
                .hasMessage("the RDP sandbox setting is 'maybe'; use auto, required or off");
        assertThat(RdpSettings.Sandbox.parse(" Required ")).isEqualTo(RdpSettings.Sandbox.REQUIRED);
    }

    @Test
    void missingToolsAreNamed() {
        RdpSettings none = settings().withXfreerdp(Path.of("/nonexistent/xfreerdp"));
        EmbeddedRdpConverter converter = new EmbeddedRdpConverter(new RfbViewConverter(), none);
        assertThat(converter.unavailableReason())
                .isEqualTo("RDP in the browser needs FreeRDP's xfreerdp on the portal host: install freerdp2-x11");
        DesktopEnd end = converter.open(request(1, DesktopCredentials.NONE)).run(s -> { });
        assertThat(end.status()).isEqualTo(GuacamoleStatus.UNSUPPORTED);
        assertThat(end.message()).contains("install freerdp2-x11");

        EmbeddedRdpConverter noXvnc = new EmbeddedRdpConverter(new RfbViewConverter(),
                settings().withXvnc(Path.of("/nonexistent/Xvnc")));
        assertThat(noXvnc.unavailableReason()).isEqualTo(
                "RDP in the browser needs TigerVNC's Xvnc on the portal host: install tigervnc-standalone-server");
        assertThat(converter.handles("rdp")).isTrue();
        assertThat(converter.handles("vnc")).isFalse();
        assertThat(converter.name()).isEqualTo("embedded-rdp");
    }

    @Test
    void leftoversOfAPortalThatDiedAreEndedAndDeleted() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(work().resolve("session-" + gone.pid() + "-1700000000-42"));
        Path file = Files.writeString(stale.resolve("vncpasswd"), "x");
        Process orphan = new ProcessBuilder("tail", "-f", file.toString()).start();
        Path ours = Files.createDirectories(work().resolve(EmbeddedRdpConverter.sessionPrefix() + "7"));
        try {
            new EmbeddedRdpConverter(new RfbViewConverter(), settings());
            assertThat(orphan.waitFor(20, TimeUnit.SECONDS)).as("the orphan was ended").isTrue();
            assertThat(stale).doesNotExist();
            assertThat(ours).as("a live portal's session is kept").exists();
        } finally {
            orphan.destroyForcibly();
            Files.delete(ours);
        }
    }

    // ---- helpers ----

    private static DesktopRequest request(int rdpPort, DesktopCredentials credentials) {
        TunnelStreamOpener opener = () -> SocketTunnelStream.connectLoopback(rdpPort);
        return new DesktopRequest("s-" + rdpPort, "d-test", "rdp", "hmi-pc", "198.18.0.9:3389", false, credentials,
                WIDTH,
                HEIGHT, 96, opener);
    }

    private static TunnelStreamOpener failingOpener() {
        return () -> {
            throw new IOException("the agent could not connect to 198.18.0.9:3389: connection refused");
        };
    }

    private static void answer(DesktopSession session, String stream, String name, String value) {
        session.receive(new GuacamoleInstruction("argv", stream, "text/plain", name));
        session.receive(new GuacamoleInstruction("blob", stream,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        session.receive(new GuacamoleInstruction("end", stream));
    }

    private static void key(DesktopSession session, int keysym, boolean down) {
        session.receive(new GuacamoleInstruction("key", Integer.toString(keysym), down ? "1" : "0"));
    }

    /** Whether the target's X pointer is at (x, y) ({@code xdotool} when installed, else assumed after a move). */
    private static boolean pointerOver(RdpTarget target, int x, int y) {
        if (MachineTools.which("xdotool").isEmpty()) {
            return true;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder("xdotool", "getmouselocation").redirectErrorStream(true);
            builder.environment().put("DISPLAY", ":" + target.display);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.contains("x:" + x + " y:" + y);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Xvnc and xfreerdp started by sessions of this test (the target's own Xvnc is not one). */
    private List<ProcessHandle> sessionProcesses() {
        String work = work().toString();
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).filter(p -> {
            String command = p.info().command().orElse("");
            String line = p.info().commandLine().orElse("");
            return command.endsWith("xfreerdp") || line.contains("-rfbauth " + work);
        }).toList();
    }

    private void assertNothingLeft() throws Exception {
        assertThat(sessionProcesses()).as("processes of RDP sessions").isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .extracting(Thread::getName).filteredOn(n -> n.startsWith("gangway-desktop-"))
                .as("threads of desktop sessions").isEmpty();
        if (Files.isDirectory(work())) {
            try (Stream<Path> left = Files.list(work())) {
                assertThat(left.toList()).as("session directories").isEmpty();
            }
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

    /** A session's run() on a thread of its own, as the WebSocket tunnel runs it. */
    private record Running(CompletableFuture<DesktopEnd> future) {

        static Running start(DesktopSession session) {
            return start(session, new CopyOnWriteArrayList<>());
        }

        static Running start(DesktopSession session, List<String> sent) {
            CompletableFuture<DesktopEnd> future = new CompletableFuture<>();
            Thread thread = new Thread(() -> future.complete(session.run(sent::add)), "test-session");
            thread.setDaemon(true);
            thread.start();
            return new Running(future);
        }

        DesktopEnd end() throws Exception {
            return future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
