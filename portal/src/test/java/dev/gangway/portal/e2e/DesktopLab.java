package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote desktops on the machine's LAN for the desktop end-to-end tests, every process in the LAN namespace of a
 * {@link NetworkLab} (reached only by the device agent):
 * <ul>
 *   <li>{@link #startVnc}: a TigerVNC Xvnc on the LAN host's port {@value #VNC_PORT} with a VNC password, its root
 *       window {@link #VNC_ROOT} (dodger blue), an xterm at the top left whose shell copies every line typed into
 *       it to a file, and {@code xclip} for the display's CLIPBOARD;</li>
 *   <li>{@link #startRdp}: xrdp on the LAN host's port {@value #RDP_PORT}, its {@code [vnc]} section
 *       ({@code libvnc.so}, no login user; the RDP password is passed on as the VNC password) pointing at a second
 *       Xvnc on the namespace's loopback, root window {@link #RDP_ROOT} (dark orange), with the same kind of xterm;</li>
 *   <li>{@link #startGarbage}: a VNC server that completes the RFB 3.8 handshake (security None, a 64×48 screen),
 *       sends one valid black frame, and once {@link #releaseGarbage} is called sends random bytes (the first an
 *       undefined message type, 200, so the outcome never depends on luck);</li>
 *   <li>{@link #DEAD_PORT}: a port of the LAN host where nothing listens.</li>
 * </ul>
 * Not thread-safe: one test thread. {@link #close} stops every process started here (SIGTERM, then SIGKILL) and
 * anything else still in the LAN namespace (SIGKILL), and checks that all of them are gone.
 */
final class DesktopLab implements AutoCloseable {

    static final int VNC_PORT = 5900;
    static final int GARBAGE_PORT = 5901;
    static final int DEAD_PORT = 5909;
    static final int RDP_PORT = 3389;
    /** The RDP target's Xvnc, on the LAN namespace's loopback: only xrdp reaches it. */
    static final int RDP_TARGET_PORT = 5911;
    static final int WIDTH = 1024;
    static final int HEIGHT = 768;
    static final int VNC_ROOT = 0x1E90FF;
    static final int RDP_ROOT = 0xFF8C00;
    /** The xterm's background: black, at the top left, 80×10 characters. */
    static final int XTERM_BACKGROUND = 0x000000;
    /** A point inside the xterm (remote screen pixels). */
    static final int XTERM_X = 60;
    static final int XTERM_Y = 40;
    /** A point on the root window, far from the xterm. */
    static final int ROOT_X = 900;
    static final int ROOT_Y = 700;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);

    /** A display on the LAN host: its number, the file its xterm writes, its VNC password, its root colour. */
    record Screen(String name, int display, Path typed, String password, int rootColour) {
    }

    private final NetworkLab lab;
    private final Path dir;
    private final List<LoggedProcess> processes = new ArrayList<>();
    private final List<Integer> displays = new ArrayList<>();
    private Path garbageTrigger;
    private boolean closed;

    DesktopLab(NetworkLab lab, Path dir) {
        this.lab = lab;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The LAN host's address (where the agent finds the desktops). */
    String host() {
        return lab.lanHostAddress();
    }

    /** The VNC server of the LAN host, password {@code password}. */
    Screen startVnc(String password) {
        Screen screen = startXvnc("vnc", password, VNC_ROOT, host(), VNC_PORT);
        lab.awaitListening(lab.site(), host(), VNC_PORT, process("xvnc-vnc"), WAIT);
        return screen;
    }

    /**
     * xrdp on the LAN host, in front of a second Xvnc whose VNC password is {@code password}: an RDP client signs in
     * with any user name and that password.
     */
    Screen startRdp(String password) {
        Screen target = startXvnc("rdp", password, RDP_ROOT, "127.0.0.1", RDP_TARGET_PORT);
        Path ini = write("xrdp.ini", """
                [Globals]
                ini_version=1
                fork=true
                port=tcp://%s:%d
                use_vsock=false
                tcp_nodelay=true
                security_layer=negotiate
                crypt_level=high
                certificate=
                key_file=
                ssl_protocols=TLSv1.2, TLSv1.3
                autorun=vnc
                require_credentials=true
                allow_channels=true
                max_bpp=32
                new_cursors=true
                use_fastpath=both

                [Logging]
                LogFile=%s
                LogLevel=INFO
                EnableSyslog=false

                [Channels]
                rdpdr=false
                rdpsnd=false
                drdynvc=false
                cliprdr=true
                rail=false
                xrdpvr=false

                [vnc]
                name=vnc
                lib=libvnc.so
                username=na
                password=ask
                ip=127.0.0.1
                port=%d
                """.formatted(host(), RDP_PORT, dir.resolve("xrdp.log"), RDP_TARGET_PORT));
        LoggedProcess xrdp = start("xrdp", List.of("xrdp", "--nodaemon", "--config", ini.toString()));
        lab.awaitListening(lab.site(), host(), RDP_PORT, xrdp, WAIT);
        return target;
    }

    /** What xrdp logged (its own log file, not its standard output), for a failure report. */
    String xrdpLog() {
        return read(dir.resolve("xrdp.log"));
    }

    /** The garbage VNC server on {@link #GARBAGE_PORT}; it waits for {@link #releaseGarbage} after its first frame. */
    void startGarbage() {
        garbageTrigger = dir.resolve("garbage-now");
        // one valid frame: FramebufferUpdate, 1 rectangle, Raw, 64x48 at 0,0, black in the client's 32-bit format
        Path script = write("garbage-vnc.sh", """
                #!/bin/bash
                # An RFB 3.8 server that turns to garbage: handshake, one frame, then random bytes once released.
                take() { [ "$(dd bs=1 count="$1" status=none | wc -c)" = "$1" ] || exit 0; }
                printf 'RFB 003.008\\n'
                take 12
                printf '\\x01\\x01'
                take 1
                printf '\\x00\\x00\\x00\\x00'
                take 1
                printf '\\x00\\x40\\x00\\x30\\x20\\x18\\x00\\x01\\x00\\xff\\x00\\xff\\x00\\xff\\x10\\x08\\x00'
                printf '\\x00\\x00\\x00\\x00\\x00\\x00\\x07garbage'
                printf '\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x40\\x00\\x30\\x00\\x00\\x00\\x00'
                head -c 12288 /dev/zero
                while [ ! -e '%s' ]; do sleep 0.1; done
                printf '\\xc8'
                head -c 65536 /dev/urandom
                exec cat > /dev/null
                """.formatted(garbageTrigger));
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoggedProcess socat = start("garbage-vnc", List.of("socat", "TCP-LISTEN:" + GARBAGE_PORT + ",bind=" + host()
                + ",reuseaddr,fork", "EXEC:" + script));
        lab.awaitListening(lab.site(), host(), GARBAGE_PORT, socat, WAIT);
    }

    /** Lets the garbage server send its random bytes. */
    void releaseGarbage() {
        try {
            Files.writeString(garbageTrigger, "now");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the xterm of {@code screen} wrote so far. */
    String typed(Screen screen) {
        return read(screen.typed());
    }

    /** The display's CLIPBOARD as {@code xclip -o} reads it (empty when nobody owns it). */
    String clipboard(Screen screen) {
        NetworkLab.Result result = x(screen, "xclip", "-selection", "clipboard", "-o");
        return result.exitCode() == 0 ? result.output() : "";
    }

    /** Makes {@code text} the display's CLIPBOARD: {@code xclip -i} owns it until someone else takes it. */
    void setClipboard(Screen screen, String text) {
        Path file = write("clipboard-" + System.nanoTime() + ".txt", text);
        start("xclip-" + screen.name(), List.of("env", "DISPLAY=:" + screen.display(), "xclip", "-selection",
                "clipboard", "-i", "-quiet", file.toString()));
    }

    /** Moves the X pointer of {@code screen} (as a local mouse would), so that keys go to the window under it. */
    void movePointer(Screen screen, int x, int y) {
        NetworkLab.Result result = x(screen, "xdotool", "mousemove", "--sync", Integer.toString(x),
                Integer.toString(y));
        assertThat(result.exitCode()).as("xdotool mousemove: " + result.output()).isZero();
    }

    /** Where the X pointer of {@code screen} is, {x, y}. */
    int[] pointer(Screen screen) {
        NetworkLab.Result result = x(screen, "xdotool", "getmouselocation");
        Matcher at = Pattern.compile("x:(\\d+) y:(\\d+)").matcher(result.output());
        assertThat(at.find()).as("xdotool getmouselocation: " + result.output()).isTrue();
        return new int[] {Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2))};
    }

    /** The size of the X screen of {@code screen}, {width, height}. */
    int[] screenSize(Screen screen) {
        NetworkLab.Result result = x(screen, "xdotool", "getdisplaygeometry");
        Matcher size = Pattern.compile("(\\d+) (\\d+)").matcher(result.output());
        assertThat(size.find()).as("xdotool getdisplaygeometry: " + result.output()).isTrue();
        return new int[] {Integer.parseInt(size.group(1)), Integer.parseInt(size.group(2))};
    }

    /** Paints the root window of {@code screen} in {@code rgb}. */
    void setRoot(Screen screen, int rgb) {
        NetworkLab.Result result = x(screen, "xsetroot", "-solid", String.format("#%06x", rgb));
        assertThat(result.exitCode()).as("xsetroot: " + result.output()).isZero();
    }

    /** The pids of the processes started here, and of their children (xrdp and socat fork per connection). */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (LoggedProcess process : processes) {
            ProcessHandle.of(process.pid()).ifPresent(handle -> {
                pids.add(handle.pid());
                handle.descendants().forEach(child -> pids.add(child.pid()));
            });
        }
        return pids;
    }

    /** The X display numbers of this lab's own Xvnc servers. */
    List<Integer> displays() {
        return List.copyOf(displays);
    }

    /** Stops every process started here and checks that they, and everything else in the LAN namespace, are gone. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> all = new ArrayList<>();
        for (int i = processes.size() - 1; i >= 0; i--) {
            ProcessHandle.of(processes.get(i).pid()).ifPresent(handle -> {
                handle.descendants().forEach(all::add);
                all.add(handle);
            });
        }
        all.forEach(ProcessHandle::destroy);
        List<String> survivors = new ArrayList<>();
        for (ProcessHandle handle : all) {
            if (!awaitExit(handle, STOP)) {
                handle.destroyForcibly();
                if (!awaitExit(handle, STOP)) {
                    survivors.add(handle.pid() + " " + handle.info().commandLine().orElse("?"));
                }
            }
        }
        NetworkLab.Result left = NetworkLab.exec(List.of("ip", "netns", "pids", lab.lan()), STOP);
        List<String> strays = left.output().lines().map(String::strip).filter(line -> line.matches("\\d+")).toList();
        for (String pid : strays) {
            // e.g. what a script of a connection still running left when its socat ended: stopped here too
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(handle -> {
                handle.destroyForcibly();
                if (!awaitExit(handle, STOP)) {
                    survivors.add("in the LAN namespace: " + pid + " " + handle.info().commandLine().orElse("?"));
                }
            });
        }
        for (int display : displays) {
            // SIGKILLed X servers leave these behind; a clean Xvnc removes them itself
            deleteQuietly(Path.of("/tmp/.X" + display + "-lock"));
            deleteQuietly(Path.of("/tmp/.X11-unix/X" + display));
        }
        assertThat(survivors).as("processes of the desktop lab still running after close").isEmpty();
    }

    private Screen startXvnc(String name, String password, int rootColour, String address, int port) {
        int display = freeDisplay();
        Path passwordFile = dir.resolve(name + ".passwd");
        NetworkLab.Result obfuscated = vncpasswd(password, passwordFile);
        assertThat(obfuscated.exitCode()).as("vncpasswd -f: " + obfuscated.output()).isZero();
        LoggedProcess xvnc = start("xvnc-" + name, List.of("Xvnc", ":" + display, "-geometry", WIDTH + "x" + HEIGHT,
                "-depth", "24", "-rfbport", Integer.toString(port), "-interface", address, "-nolisten", "tcp",
                "-SecurityTypes", "VncAuth", "-rfbauth", passwordFile.toString(), "-UseBlacklist=0",
                "-desktop", "gangway-e2e-" + name));
        displays.add(display);
        Screen screen = new Screen(name, display, dir.resolve(name + "-typed.txt"), password, rootColour);
        awaitX(screen, xvnc);
        setRoot(screen, rootColour);
        start("xterm-" + name, List.of("env", "DISPLAY=:" + display, "xterm", "-geometry", "80x10+0+0", "-bg",
                "black", "-fg", "white", "-e", "sh", "-c", "exec cat > \"$0\"", screen.typed().toString()));
        NetworkLab.Result mapped = x(screen, "xdotool", "search", "--sync", "--onlyvisible", "--class", "xterm");
        assertThat(mapped.exitCode()).as("the xterm on :" + display + " appears: " + mapped.output()).isZero();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(screen.typed())) {
            assertThat(System.nanoTime()).as("the xterm's shell creates " + screen.typed()).isLessThan(deadline);
            pause();
        }
        return screen;
    }

    /** {@code vncpasswd -f}, the password on its standard input (never on a command line). */
    private static NetworkLab.Result vncpasswd(String password, Path file) {
        try {
            Process process = new ProcessBuilder("vncpasswd", "-f").redirectOutput(file.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new NetworkLab.Result(-1, "vncpasswd timed out");
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return new NetworkLab.Result(process.exitValue(), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run vncpasswd (apt-get install tigervnc-tools)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until X clients can use the display (Xvnc opens its X socket before the RFB port, usually). */
    private void awaitX(Screen screen, LoggedProcess xvnc) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        // asking for the screen size needs a working display
        while (x(screen, "xdotool", "getdisplaygeometry").exitCode() != 0) {
            if (!xvnc.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("Xvnc :" + screen.display() + " not usable\n" + xvnc.report());
            }
            pause();
        }
    }

    /** Runs an X client on {@code screen} in the LAN namespace to completion. */
    private NetworkLab.Result x(Screen screen, String... command) {
        List<String> full = new ArrayList<>(List.of("env", "DISPLAY=:" + screen.display()));
        full.addAll(List.of(command));
        return lab.run(lab.lan(), WAIT, full);
    }

    private LoggedProcess start(String name, List<String> command) {
        LoggedProcess process = lab.start(lab.lan(), name + "-" + processes.size(), command);
        processes.add(process);
        return process;
    }

    private LoggedProcess process(String namePrefix) {
        return processes.stream().filter(p -> p.name().startsWith(namePrefix)).findFirst().orElseThrow();
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale lock of a display number nobody uses is harmless
        }
    }

    private static int freeDisplay() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int n = ThreadLocalRandom.current().nextInt(100, 900);
            if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free X display number between 100 and 900");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
