package dev.gangway.bench;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.rfb.RfbSettings;
import dev.gangway.portal.desktop.vnc.EmbeddedVncConverter;
import dev.gangway.portal.desktop.vnc.VncSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The desktop scenario ({@code script/bench --scenario desktop}): one remote screen (a TigerVNC Xvnc playing a
 * scripted change sequence, {@link DesktopScreen}) seen through the bench's bare tunnel in several ways, one after
 * the other in the same run:
 * <ul>
 *   <li>{@code guac}: the portal's embedded VNC converter reads RFB from the tunnel and sends Guacamole instructions
 *       to a headless browser ({@link GuacViewer}) that decodes and draws them and acknowledges each sync;</li>
 *   <li>{@code rfb}: noVNC-style raw relaying: the RFB bytes go to the browser as they come, and the browser decodes
 *       them ({@link RfbViewer}, with noVNC's encodings);</li>
 *   <li>{@code rfb-zrle}: the same raw relaying with the converter's own RFB settings (same RFB as guac);</li>
 *   <li>{@code rfb-direct} (only when asked for): rfb-zrle straight to Xvnc's port, without the tunnel.</li>
 * </ul>
 * Per path: bytes out of the tunnel (device → portal), bytes to the browser, frames drawn per second during the
 * play, and key-to-pixel latency (a key typed into an xterm that echoes it, until the browser's picture shows the
 * changed cell), idle and during the play. It runs in the harness JVM with the portal's classes on its class path
 * (script/bench compiles this source set against the portal jar); the tunnel's three JVMs run from the bench jar.
 *
 * <p>Everything started (Xvnc, X clients, tunnel JVMs, sessions) is stopped on exit, also on failure.
 */
public final class DesktopRun {

    static final String DOCS_START = "<!-- bench-desktop:start -->";
    static final String DOCS_END = "<!-- bench-desktop:end -->";

    static final String USAGE = """
            usage: script/bench --scenario desktop [--play-seconds N] [--warmup-seconds N] [--idle-keys N]
                                [--key-gap-ms N] [--scroll-rate N] [--paths guac,rfb,rfb-zrle,rfb-direct]
                                [--work DIR] [--docs FILE] [--bench-jar FILE]""";

    private static final int[] LETTERS = {'a', 'b', 'c', 'd'};

    private final DesktopOptions options;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int letter;
    private int[] cell;

    private DesktopRun(DesktopOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Exception e) {
            System.err.println("bench: desktop scenario failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        DesktopOptions options;
        try {
            options = DesktopOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        String missing = DesktopScreen.missingTools();
        if (missing != null) {
            System.out.println("desktop: skipped (not installed: " + missing + "; apt-get install "
                    + "tigervnc-standalone-server xterm xdotool)");
            return 0;
        }
        DesktopRun run = new DesktopRun(options);
        Thread hook = new Thread(run::close, "desktop-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.execute();
        } finally {
            run.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private int execute() throws Exception {
        Machine machine = Machine.describe();
        Path work = options.work;
        log("work directory " + work);
        DesktopConverter converter = options.paths.contains("guac") ? converter() : null;
        DesktopScreen screen = DesktopScreen.start(work, options.scrollRate);
        open.add(screen);
        log("screen: Xvnc :" + screen.display() + " on 127.0.0.1:" + screen.port());
        DesktopTunnel tunnel = DesktopTunnel.start(work, options.benchJar, screen.port());
        open.add(tunnel);
        log("tunnel: " + tunnel.details() + ", forwarder 127.0.0.1:" + tunnel.port());

        boolean warmedUp = options.warmupSeconds > 0 && warmUp(screen, tunnel);
        Map<String, DesktopPathResult> results = new LinkedHashMap<>();
        for (String path : options.paths) {
            results.put(path, measure(path, converter, screen, tunnel));
        }
        String loadAfter = Machine.loadAverage();
        List<String> connected = results.values().stream().filter(r -> r.measured()).map(r -> r.name).toList();
        // Xvnc logs a connection's account when the connection has closed: wait for them (at most 5 s)
        int expected = connected.size() + (warmedUp ? 1 : 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (screen.encoderAccounts().size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<String> accounts = new ArrayList<>(screen.encoderAccounts());
        if (warmedUp && !accounts.isEmpty()) {
            accounts.remove(0); // the common warm-up's connection
        }
        if (accounts.size() == connected.size()) {
            for (int i = 0; i < accounts.size(); i++) {
                results.get(connected.get(i)).xvncAccount = accounts.get(i);
            }
        } else {
            log("Xvnc logged " + accounts.size() + " connections with updates for " + connected.size()
                    + " measured paths; its accounts are not in the report: " + accounts);
        }

        DesktopReport report = new DesktopReport(machine, loadAfter, options, screen, tunnel, converter, results);
        System.out.println();
        System.out.print(report.console());
        report.keyLines().forEach((k, v) -> System.out.println(k + "=" + v));
        if (options.docs != null) {
            DocsWriter.replaceSection(options.docs, report.markdown(), DOCS_START, DOCS_END);
            log("results written to " + options.docs);
        }
        boolean failed = results.values().stream().anyMatch(r -> r.failure != null);
        return failed ? 1 : 0;
    }

    private DesktopPathResult measure(String path, DesktopConverter converter, DesktopScreen screen,
            DesktopTunnel tunnel) throws Exception {
        DesktopPathResult result = new DesktopPathResult(path);
        DesktopViewer viewer;
        try {
            viewer = connect(path, converter, screen, tunnel);
        } catch (BenchException | IOException e) {
            result.failure = e.getMessage();
            log(path + ": " + e.getMessage());
            return result;
        }
        try {
            viewer.pointer(DesktopScreen.POINTER_X, DesktopScreen.POINTER_Y);
            viewer.awaitQuiet(1_000, 5_000);
            if (cell == null) {
                cell = calibrate(viewer);
                log("key cell at " + cell[0] + "," + cell[1] + " size " + cell[2] + "×" + cell[3]);
            }
            if (options.warmupSeconds > 0) {
                log(path + ": warm-up play of " + options.warmupSeconds + " s");
                ChildProcess mover = screen.play(options.warmupSeconds);
                keysUntil(viewer, mover::isAlive, options.keyGapMs, new ArrayList<>(), new int[1]);
                screen.awaitPlayEnd(mover, Duration.ofSeconds(options.warmupSeconds + 60));
                viewer.awaitQuiet(1_000, 15_000);
            }

            log(path + ": " + options.idleKeys + " keys on the still screen");
            List<Long> idle = new ArrayList<>();
            int[] lost = new int[1];
            for (int i = 0; i < options.idleKeys; i++) {
                sample(viewer, idle, lost);
                Thread.sleep(100);
            }
            result.idle = idle;
            result.idleLost = lost[0];
            viewer.awaitQuiet(500, 5_000);

            log(path + ": measured play of " + options.playSeconds + " s, a key every " + options.keyGapMs + " ms");
            DesktopCounters before = DesktopCounters.of(viewer, screen, tunnel);
            long start = System.nanoTime();
            ChildProcess mover = screen.play(options.playSeconds);
            List<Long> load = new ArrayList<>();
            int[] loadLost = new int[1];
            keysUntil(viewer, mover::isAlive, options.keyGapMs, load, loadLost);
            screen.awaitPlayEnd(mover, Duration.ofSeconds(options.playSeconds + 60));
            long playEnd = System.nanoTime();
            long framesAtEnd = viewer.frames();
            viewer.awaitQuiet(1_000, 20_000);
            DesktopCounters after = DesktopCounters.of(viewer, screen, tunnel);
            result.pictureCheck = checkPicture(viewer, screen);
            result.load = load;
            result.loadLost = loadLost[0];
            result.playSeconds = (playEnd - start) / 1e9;
            result.framesInPlay = framesAtEnd - before.frames();
            result.used = after.minus(before);
            if (viewer instanceof GuacViewer g) {
                result.drawing = g.drawingSummary();
            }
            if (viewer.ended() != null) {
                result.failure = viewer.ended();
            }
        } catch (BenchException | IOException e) {
            result.failure = e.getMessage();
            log(path + ": " + e.getMessage());
        } finally {
            viewer.close();
        }
        return result;
    }

    /**
     * Warms up what every path shares before the first one is measured, so that it does not pay alone for it: the
     * tunnel's JVMs, the RFB decoders the converter uses too, Xvnc's encoders. One raw RFB connection (the
     * converter's encodings) through a play of the warm-up length, twice.
     */
    private boolean warmUp(DesktopScreen screen, DesktopTunnel tunnel) throws InterruptedException {
        log("common warm-up: raw RFB through two plays of " + options.warmupSeconds + " s");
        DesktopViewer viewer = null;
        try {
            viewer = RfbViewer.start("warm-up", tunnel.port(), RfbSettings.defaults());
            if (!viewer.awaitFrameAfter(0, 20_000)) {
                log("warm-up: no first frame within 20 s (" + viewer.ended() + "); going on without it");
                return false;
            }
            for (int i = 0; i < 2; i++) {
                ChildProcess mover = screen.play(options.warmupSeconds);
                screen.awaitPlayEnd(mover, Duration.ofSeconds(options.warmupSeconds + 60));
            }
            viewer.awaitQuiet(500, 10_000);
            return true;
        } catch (IOException | BenchException e) {
            log("warm-up failed (" + e.getMessage() + "); going on without it");
            return false;
        } finally {
            if (viewer != null) {
                viewer.close();
            }
        }
    }

    /**
     * Opens the path's viewer and waits for its first frame and a quiet screen. A second try if nothing came within
     * 20 s: it happened (rarely) that the VNC greeting reached the relay but not the viewer; the relay's log shows it.
     */
    private DesktopViewer connect(String path, DesktopConverter converter, DesktopScreen screen, DesktopTunnel tunnel)
            throws Exception {
        for (int attempt = 1; ; attempt++) {
            log(path + ": connecting");
            DesktopViewer viewer = null;
            String problem;
            try {
                viewer = switch (path) {
                    case "guac" -> GuacViewer.start(converter, tunnel.port());
                    case "rfb" -> RfbViewer.start("rfb", tunnel.port(), RfbViewer.NOVNC);
                    // a baseline without the tunnel: straight to Xvnc's port
                    case "rfb-direct" -> RfbViewer.start(path, screen.port(), RfbSettings.defaults());
                    default -> RfbViewer.start(path, tunnel.port(), RfbSettings.defaults());
                };
                if (viewer.awaitFrameAfter(0, 20_000)) {
                    viewer.awaitQuiet(500, 10_000);
                    return viewer;
                }
                problem = "no first frame within 20 s" + (viewer.ended() == null ? "" : " (" + viewer.ended() + ")");
            } catch (IOException e) {
                problem = "cannot connect: " + e.getMessage();
            }
            if (viewer != null) {
                viewer.close();
            }
            if (attempt == 2) {
                throw new BenchException(path + ": " + problem + ", twice; the relay's stream lines: "
                        + tunnel.relayStreamLines());
            }
            log(path + ": " + problem + "; trying once more (relay's stream lines so far: "
                    + tunnel.relayStreamLines() + ")");
        }
    }

    /**
     * Compares the browser's picture after the play with the X server's own ({@code xwd -root}), once the screen was
     * quiet for 1.5 s (the converter redraws JPEG regions losslessly after 1 s): pixels that differ at all, and
     * those that differ by more than JPEG noise, leaving out the box around the pointer. Shows that the headless
     * browser really draws the screen.
     */
    private String checkPicture(DesktopViewer viewer, DesktopScreen screen) throws Exception {
        viewer.awaitQuiet(1_500, 10_000);
        int[] truth = screen.xwdRoot();
        if (truth == null) {
            return "not checked (no xwd)";
        }
        int[] drawn = viewer.region(0, 0, DesktopScreen.WIDTH, DesktopScreen.HEIGHT);
        int exact = 0;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int i = 0; i < truth.length; i++) {
            int x = i % DesktopScreen.WIDTH;
            int y = i / DesktopScreen.WIDTH;
            if (Math.abs(x - DesktopScreen.POINTER_X) < 20 && Math.abs(y - DesktopScreen.POINTER_Y) < 20) {
                // the pointer: Xvnc sometimes draws it into the pixels (xwd never shows it)
                truth[i] = drawn[i];
            }
            if (truth[i] != drawn[i]) {
                exact++;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        int far = DesktopViewer.changedPixels(truth, drawn);
        if (exact > 0 && System.getenv("BENCH_DEBUG") != null) {
            savePicture(viewer, options.work.resolve(viewer.name() + "-picture.png"));
        }
        return exact == 0 ? "identical to the X server's screen (the pointer's 40×40 box left out)"
                : format("%d of %d pixels differ from the X server's "
                + "screen (%d by more than %d in a channel), all within %d,%d-%d,%d", exact, truth.length, far,
                DesktopViewer.CHANNEL_DELTA, minX, minY, maxX, maxY);
    }

    /** Keys at {@code gapMs} intervals while {@code running} holds. */
    private void keysUntil(DesktopViewer viewer, java.util.function.BooleanSupplier running, long gapMs,
            List<Long> samples, int[] lost) throws Exception {
        while (running.getAsBoolean()) {
            sample(viewer, samples, lost);
            Thread.sleep(gapMs);
        }
    }

    /**
     * One key-to-pixel sample: the next letter (never the one the cell shows), down and up, then the time until the
     * browser drew a frame in which the key cell differs from its picture just before the key.
     */
    private void sample(DesktopViewer viewer, List<Long> samples, int[] lost) throws Exception {
        int keysym = LETTERS[letter++ % LETTERS.length];
        int[] before = viewer.region(cell[0], cell[1], cell[2], cell[3]);
        DesktopViewer.Watch watch = viewer.watch(cell[0], cell[1], cell[2], cell[3], before, true);
        long sent = System.nanoTime();
        viewer.key(keysym, true);
        viewer.key(keysym, false);
        try {
            long drawn = watch.done.get(5, TimeUnit.SECONDS);
            samples.add(drawn - sent);
        } catch (TimeoutException e) {
            lost[0]++;
            viewer.awaitQuiet(500, 5_000);
        } catch (ExecutionException e) {
            throw new BenchException("key probe failed: " + e.getCause(), e);
        } finally {
            viewer.unwatch();
        }
    }

    /**
     * Finds the key cell: types two letters into the keys xterm and takes the box around the pixels that changed
     * (its column 0), padded by 2 pixels.
     */
    private int[] calibrate(DesktopViewer viewer) throws Exception {
        BenchException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return calibrateOnce(viewer);
            } catch (BenchException e) {
                last = e;
                log("calibration: " + e.getMessage() + "; trying again");
                viewer.awaitQuiet(1_000, 5_000);
            }
        }
        savePicture(viewer, options.work.resolve("calibration.png"));
        throw last;
    }

    private int[] calibrateOnce(DesktopViewer viewer) throws Exception {
        int x = DesktopScreen.KEYS_X;
        int y = DesktopScreen.KEYS_Y;
        int w = DesktopScreen.KEYS_W;
        int h = DesktopScreen.KEYS_H;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int i = 0; i < 2; i++) {
            int[] before = viewer.region(x, y, w, h);
            if (System.getenv("BENCH_DEBUG") != null) {
                savePicture(viewer, options.work.resolve("calibration-before-" + i + ".png"));
            }
            DesktopViewer.Watch watch = viewer.watch(x, y, w, h, before, true);
            int keysym = LETTERS[letter++ % LETTERS.length];
            viewer.key(keysym, true);
            viewer.key(keysym, false);
            try {
                watch.done.get(15, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new BenchException("the keys xterm did not echo a key within 15 s (focus? see xterm-keys.log)");
            } finally {
                viewer.unwatch();
            }
            viewer.awaitQuiet(300, 5_000);
            int[] after = viewer.region(x, y, w, h);
            if (System.getenv("BENCH_DEBUG") != null) {
                savePicture(viewer, options.work.resolve("calibration-" + i + ".png"));
            }
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    int k = row * w + col;
                    if (DesktopViewer.changedPixels(new int[] {before[k]}, new int[] {after[k]}) > 0) {
                        minX = Math.min(minX, col);
                        maxX = Math.max(maxX, col);
                        minY = Math.min(minY, row);
                        maxY = Math.max(maxY, row);
                    }
                }
            }
        }
        if (maxX < 0 || maxX - minX > 40 || maxY - minY > 40) {
            throw new BenchException("the key echo changed an unexpected area (" + minX + "," + minY + " to " + maxX
                    + "," + maxY + "); is something else drawing on the keys xterm?");
        }
        int cx = Math.max(0, x + minX - 2);
        int cy = Math.max(0, y + minY - 2);
        return new int[] {cx, cy, Math.min(x + w, x + maxX + 3) - cx, Math.min(y + h, y + maxY + 3) - cy};
    }

    /** The viewer's whole picture as a PNG, for looking at what went wrong. */
    static void savePicture(DesktopViewer viewer, Path file) {
        try {
            int[] pixels = viewer.region(0, 0, DesktopScreen.WIDTH, DesktopScreen.HEIGHT);
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(DesktopScreen.WIDTH,
                    DesktopScreen.HEIGHT, java.awt.image.BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, DesktopScreen.WIDTH, DesktopScreen.HEIGHT, pixels, 0, DesktopScreen.WIDTH);
            javax.imageio.ImageIO.write(image, "png", file.toFile());
            log("the browser's picture is in " + file);
        } catch (IOException | RuntimeException e) {
            log("cannot save the picture: " + e);
        }
    }

    /** The converter's settings: the portal's defaults. */
    static final VncSettings VNC_SETTINGS = VncSettings.defaults();

    /** The converter as the portal makes it by default. */
    static DesktopConverter converter() {
        return new EmbeddedVncConverter(VNC_SETTINGS);
    }

    private void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                log("closing " + open.get(i).getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        open.clear();
    }

    static void log(String message) {
        System.err.println("desktop: " + message);
    }

    /** Nearest-rank percentile of nanosecond samples, in ms; NaN when there are none. */
    static double percentileMs(List<Long> samples, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
