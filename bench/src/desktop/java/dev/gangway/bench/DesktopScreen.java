package dev.gangway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The remote screen of the desktop scenario: a TigerVNC Xvnc on loopback (1280×800, depth 24, no VNC password, no
 * window manager) with four X clients, and the scripted change sequence they play when told to.
 *
 * <pre>
 *  (0,0)  keys xterm: a bash loop that echoes each key typed into column 0 (the key-to-pixel target; the pointer
 *         rests on it, so it has the keyboard focus)
 *  (0,60) scroll xterm, 100×48 cells of 6×13: one line of text every 1/RATE s (default 40 lines/s)
 *  (640,60) colour xterm, 40×20 cells: every 1/4 s a new grid of 256-colour cells (seeded, the same every play)
 *  mover window (xterm, steelblue): moved by one xdotool chain along a fixed zig-zag, 25 steps/s
 * </pre>
 *
 * <p>{@link #play} starts one play of {@code seconds}: the scroll and colour scripts (perl, waiting for a numbered
 * start file) and the xdotool chain; each play first clears the two windows and puts the mover back, so every play
 * starts from the same picture, and ends with the screen full (for {@link #xwdRoot}'s check). {@link #close} stops
 * every process it started (their pids are also in {@code pids}, for script/bench).
 */
final class DesktopScreen implements AutoCloseable {

    static final int WIDTH = 1280;
    static final int HEIGHT = 800;
    /** Where the pointer rests: inside the keys xterm, away from everything that moves. */
    static final int POINTER_X = 150;
    static final int POINTER_Y = 20;
    /** The keys xterm's window: the key-to-pixel probe looks for its changed cell inside it. */
    static final int KEYS_X = 0;
    static final int KEYS_Y = 0;
    /** Only the left part of the keys xterm: the pointer (which Xvnc may draw into the pixels) rests further right. */
    static final int KEYS_W = 60;
    static final int KEYS_H = 50;
    /** Colour grids a second in the colour xterm. */
    static final int COLOUR_RATE = 4;
    /** Mover steps a second (8 px each). */
    static final int MOVER_RATE = 25;

    private static final String SCROLL = """
            use strict; use warnings; use Time::HiRes qw(time sleep);
            $| = 1;
            my ($dir, $rate) = @ARGV;
            my $text = "The quick brown fox jumps over the lazy dog; pump 3 at 47.5 l/min, valve V12 open, "
                . "tank level 83 %, alarm cleared by operator at shift change. " x 3;
            for (my $gen = 1; ; $gen++) {
              until (-e "$dir/start-$gen") { exit 0 if -e "$dir/quit"; sleep 0.01; }
              open(my $g, '<', "$dir/start-$gen") or die; my $seconds = <$g>; close($g);
              print "\\e[H\\e[2J";
              my $t0 = time; my $n = int($seconds * $rate);
              for my $i (1 .. $n) {
                my $left = $t0 + $i / $rate - time; sleep $left if $left > 0;
                printf "%06d %s\\n", $i, substr($text, ($i * 7) % 150, 40 + ($i * 13) % 52);
              }
              open(my $f, '>', "$dir/scroll-done-$gen") or die; close($f);
            }
            """;

    private static final String COLOUR = """
            use strict; use warnings; use Time::HiRes qw(time sleep);
            $| = 1;
            my ($dir, $rate) = @ARGV;
            for (my $gen = 1; ; $gen++) {
              until (-e "$dir/start-$gen") { exit 0 if -e "$dir/quit"; sleep 0.01; }
              open(my $g, '<', "$dir/start-$gen") or die; my $seconds = <$g>; close($g);
              srand(42);
              print "\\e[0m\\e[H\\e[2J";
              my $t0 = time; my $n = int($seconds * $rate);
              for my $i (1 .. $n) {
                my $left = $t0 + $i / $rate - time; sleep $left if $left > 0;
                my $s = "\\e[H";
                for my $row (1 .. 20) {
                  for my $col (1 .. 10) { $s .= sprintf("\\e[48;5;%dm    ", int(rand(256))); }
                  $s .= "\\e[0m" . ($row < 20 ? "\\r\\n" : "");
                }
                print $s;
              }
              open(my $f, '>', "$dir/colour-done-$gen") or die; close($f);
            }
            """;

    private static final String KEYS = "stty -icanon -echo; printf '\\r '; "
            + "while IFS= read -r -s -n1 c; do printf '\\r%s' \"$c\"; done";

    private final Path work;
    private final Path control;
    private final int display;
    private final int port;
    private final List<ChildProcess> processes = new ArrayList<>();
    private String moverId;
    private int plays;
    private final int scrollRate;

    private DesktopScreen(Path work, int display, int port, int scrollRate) throws IOException {
        this.work = work;
        this.control = Files.createDirectories(work.resolve("screen"));
        this.display = display;
        this.port = port;
        this.scrollRate = scrollRate;
    }

    /** What this machine lacks for the scenario, or null. */
    static String missingTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("/usr/bin/Xvnc", "/usr/bin/xterm", "/usr/bin/xdotool", "/usr/bin/perl")) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing.add(tool);
            }
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    static DesktopScreen start(Path work, int scrollRate) throws BenchException {
        DesktopScreen screen = null;
        try {
            int display = freeDisplay();
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            screen = new DesktopScreen(work, display, port, scrollRate);
            screen.launch();
            return screen;
        } catch (IOException | RuntimeException e) {
            if (screen != null) {
                screen.close();
            }
            throw new BenchException("cannot start the VNC screen: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            if (screen != null) {
                screen.close();
            }
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the VNC screen", e);
        } catch (BenchException e) {
            screen.close();
            throw e;
        }
    }

    private void launch() throws IOException, InterruptedException, BenchException {
        ChildProcess xvnc = process("xvnc", List.of("/usr/bin/Xvnc", ":" + display, "-geometry", WIDTH + "x" + HEIGHT,
                "-depth", "24", "-rfbport", String.valueOf(port), "-interface", "127.0.0.1", "-nolisten", "tcp",
                "-SecurityTypes", "None", "-AlwaysShared", "-desktop", "gangway-bench"));
        awaitPort(xvnc);
        Files.writeString(control.resolve("scroll.pl"), SCROLL, StandardCharsets.UTF_8);
        Files.writeString(control.resolve("colour.pl"), COLOUR, StandardCharsets.UTF_8);
        process("xterm-keys", List.of("xterm", "-geometry", "29x2+0+0", "-fn", "10x20", "-bg", "white", "-fg",
                "black", "-xrm", "XTerm*pointerMode: 0", "-title", "gwbench-keys", "-e", "bash", "-c", KEYS));
        process("xterm-scroll", List.of("xterm", "-geometry", "100x48+0+60", "-fn", "fixed", "-bg", "white", "-fg",
                "black", "-title", "gwbench-scroll", "-e", "perl", control.resolve("scroll.pl").toString(),
                control.toString(), String.valueOf(scrollRate)));
        process("xterm-colour", List.of("xterm", "-geometry", "40x20+640+60", "-fn", "fixed", "-title",
                "gwbench-colour", "-e", "perl", control.resolve("colour.pl").toString(), control.toString(),
                String.valueOf(COLOUR_RATE)));
        process("xterm-mover", List.of("xterm", "-geometry", "30x6+660+380", "-fn", "fixed", "-bg", "steelblue",
                "-fg", "white", "-title", "gwbench-mover", "-e", "sh", "-c",
                "echo 'a moving window'; exec sleep 100000"));
        moverId = xdotool(Duration.ofSeconds(20), "search", "--sync", "--name", "^gwbench-mover$").strip();
        if (moverId.isEmpty() || moverId.contains("\n")) {
            throw new BenchException("xdotool did not find exactly one mover window: '" + moverId + "'");
        }
        xdotool(Duration.ofSeconds(20), "search", "--sync", "--name", "^gwbench-keys$");
        xdotool(Duration.ofSeconds(10), "mousemove", String.valueOf(POINTER_X), String.valueOf(POINTER_Y));
    }

    int port() {
        return port;
    }

    int display() {
        return display;
    }

    /** Xvnc's CPU counters (it encodes every update). */
    ProcStats xvncStats() {
        return processes.get(0).stats();
    }

    /**
     * Starts one play of the scripted sequence, {@code seconds} long; returns at once. The
     * mover's xdotool chain is a process of its own, which {@link #awaitPlayEnd} reaps.
     */
    ChildProcess play(int seconds) throws IOException {
        plays++;
        List<String> chain = new ArrayList<>(List.of("/usr/bin/xdotool", "windowmove", moverId, "660", "380"));
        int steps = seconds * MOVER_RATE;
        for (int i = 0; i < steps; i++) {
            // a zig-zag in the lower right quarter: 8 px a step across, 40 px down per pass
            int across = (i * 8) % 640;
            int x = 660 + (across < 320 ? across : 640 - across);
            int y = 380 + ((i * 8) / 320 % 8) * 40;
            chain.addAll(List.of("windowmove", moverId, String.valueOf(x), String.valueOf(y), "sleep",
                    String.valueOf(1.0 / MOVER_RATE)));
        }
        ChildProcess mover = process("mover-" + plays, chain);
        Path tmp = control.resolve("next");
        Files.writeString(tmp, seconds + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, control.resolve("start-" + plays), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return mover;
    }

    /** Waits for the play's scripts and mover to finish, at most {@code timeout}. */
    void awaitPlayEnd(ChildProcess mover, Duration timeout) throws BenchException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String done : List.of("scroll-done-" + plays, "colour-done-" + plays)) {
            while (!Files.exists(control.resolve(done))) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("the screen script did not finish its play (" + done + " missing)");
                }
                Thread.sleep(20);
            }
        }
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
        mover.awaitExit(Duration.ofSeconds(left));
    }

    /**
     * Xvnc's own account of each connection that got updates, in the order they closed (it logs it on close):
     * updates, and bytes per encoder and kind of rectangle, for the whole connection (warm-up and keys included).
     */
    List<String> encoderAccounts() {
        List<String> accounts = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(processes.get(0).log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return accounts;
        }
        StringBuilder current = null;
        String encoder = null;
        String kind = null;
        for (String raw : lines) {
            if (!raw.startsWith(" EncodeManager:")) {
                continue;
            }
            String body = raw.substring(" EncodeManager:".length());
            String text = body.strip();
            if (text.startsWith("Framebuffer updates: ")) {
                String n = text.substring("Framebuffer updates: ".length());
                current = n.equals("0") ? null : new StringBuilder(n + " updates");
                encoder = null;
                kind = null;
            } else if (current == null) {
                continue;
            } else if (text.startsWith("Total: ")) {
                kind = "total";
                encoder = null;
            } else if (body.startsWith("   ") && !body.startsWith("    ") && text.endsWith(":")) {
                encoder = text.substring(0, text.length() - 1);
            } else if (body.startsWith("     ") && !body.startsWith("      ") && text.contains(": ")) {
                kind = text.substring(0, text.indexOf(": "));
            } else if (text.contains(" (1:") && kind != null) {
                String size = text.substring(0, text.indexOf(" (1:"));
                if (kind.equals("total")) {
                    accounts.add(current.append("; in all ").append(size).toString());
                    current = null;
                } else {
                    current.append("; ").append(encoder).append(' ').append(kind).append(' ').append(size);
                }
                kind = kind.equals("total") ? null : kind;
            }
        }
        return accounts;
    }

    /**
     * The X server's own view of the screen, {@code 0xRRGGBB} row after row ({@code xwd -root}; the pointer is not
     * in it), or null without xwd.
     */
    int[] xwdRoot() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/xwd"))) {
            return null;
        }
        Process xwd = new ProcessBuilder("/usr/bin/xwd", "-root", "-silent", "-display", ":" + display)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dump = xwd.getInputStream().readAllBytes();
        if (xwd.waitFor() != 0) {
            throw new IOException("xwd failed on :" + display);
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(dump);
        int headerSize = header.getInt(0);
        int width = header.getInt(16);
        int height = header.getInt(20);
        int byteOrder = header.getInt(28);
        int bitsPerPixel = header.getInt(44);
        int bytesPerLine = header.getInt(48);
        int colours = header.getInt(76);
        if (bitsPerPixel != 32 || byteOrder != 0 || width != WIDTH || height != HEIGHT) {
            throw new IOException("unexpected xwd dump: " + width + "×" + height + ", " + bitsPerPixel + " bpp, byte "
                    + "order " + byteOrder);
        }
        java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(dump).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int offset = headerSize + colours * 12;
        int[] pixels = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = data.getInt(offset + y * bytesPerLine + x * 4) & 0xFFFFFF;
            }
        }
        return pixels;
    }

    private String xdotool(Duration timeout, String... args) throws IOException, InterruptedException,
            BenchException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/xdotool"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DISPLAY", ":" + display);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new BenchException("xdotool " + String.join(" ", args) + " did not finish within "
                    + timeout.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new BenchException("xdotool " + String.join(" ", args) + " failed with status " + p.exitValue());
        }
        return out;
    }

    private ChildProcess process(String name, List<String> command) throws IOException {
        ChildProcess p = ChildProcess.start(name, command, work, java.util.Map.of("DISPLAY", ":" + display));
        processes.add(p);
        return p;
    }

    private void awaitPort(ChildProcess xvnc) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!xvnc.isAlive()) {
                throw new IOException("Xvnc :" + display + " exited: " + xvnc.lastLines());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(5000);
                if (new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("RFB ")) {
                    return;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Xvnc :" + display + " did not accept connections on port " + port);
                }
            }
            Thread.sleep(50);
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

    String describe() {
        return String.format(Locale.ROOT, "TigerVNC Xvnc %d×%d depth 24 on 127.0.0.1 (no VNC password, no window "
                + "manager)", WIDTH, HEIGHT);
    }

    /** Stops the X clients (and their children), then Xvnc. */
    @Override
    public void close() {
        try {
            Files.writeString(control.resolve("quit"), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the scripts are killed below anyway
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }
}
