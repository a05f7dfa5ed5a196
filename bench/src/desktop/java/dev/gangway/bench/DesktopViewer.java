package dev.gangway.bench;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The "browser" of the desktop scenario: a headless viewer that draws what a browser would receive and counts it.
 * Subclasses draw (Guacamole instructions, or raw RFB decoded by the portal's RFB client) and call
 * {@link #frameDrawn} on their drawing thread after each complete frame; the key-to-pixel probe registers a
 * {@link Watch} that is checked right there, so the time it records is the time the frame that first showed the
 * change was drawn.
 *
 * <p>Threads: one drawing thread per viewer (the subclass's); {@link #key}, {@link #pointer}, the counters and
 * {@link #watch} from the harness's thread.
 */
abstract class DesktopViewer implements AutoCloseable {

    /** A channel difference above this counts a pixel as changed (JPEG noise stays below it). */
    static final int CHANNEL_DELTA = 64;
    /** At least this many changed pixels make a change (a glyph changes dozens). */
    static final int MIN_CHANGED = 4;

    private final Object lock = new Object();
    private long frames;
    private long lastFrameNanos;
    private Watch watch;

    /** Short name for the report: {@code guac} or {@code rfb}. */
    abstract String name();

    /** A key press or release, sent the way this path's browser would send it. */
    abstract void key(int keysym, boolean down) throws IOException;

    /** The pointer to (x, y), no button. */
    abstract void pointer(int x, int y) throws IOException;

    /** A copy of the drawn picture's region, {@code 0xRRGGBB} (alpha ignored), row after row. */
    abstract int[] region(int x, int y, int w, int h);

    /** RFB bytes that came out of the tunnel (device → portal, or → websockify). */
    abstract long bytesFromDevice();

    /** RFB bytes that went into the tunnel (portal → device). */
    abstract long bytesToDevice();

    /** Bytes the browser received (WebSocket payloads; framing not counted). */
    abstract long bytesToBrowser();

    /** WebSocket messages the browser would have received (for an estimate of framing). */
    abstract long messagesToBrowser();

    /** Ends the session and its threads, waiting a few seconds for them; never throws. */
    @Override
    public abstract void close();

    /** Null while the session runs; why it ended otherwise. */
    abstract String ended();

    /** Frames drawn so far. */
    final long frames() {
        synchronized (lock) {
            return frames;
        }
    }

    /** Waits until at least one more frame than {@code seen} was drawn, at most {@code millis}. */
    final boolean awaitFrameAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (frames <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended() != null) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    /** Waits until no frame was drawn for {@code quietMillis}, at most {@code maxMillis}. */
    final void awaitQuiet(long quietMillis, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            long last;
            synchronized (lock) {
                last = lastFrameNanos;
            }
            long quietFor = (System.nanoTime() - last) / 1_000_000L;
            if (quietFor >= quietMillis) {
                return;
            }
            Thread.sleep(Math.max(1, quietMillis - quietFor));
        }
    }

    /** Called by the drawing thread after each complete frame. */
    protected final void frameDrawn() {
        long now = System.nanoTime();
        Watch w;
        synchronized (lock) {
            frames++;
            lastFrameNanos = now;
            w = watch;
            lock.notifyAll();
        }
        if (w != null && !w.done.isDone()) {
            int[] now2 = region(w.x, w.y, w.w, w.h);
            boolean changed = changed(now2, w.reference);
            if (changed == w.wantChange) {
                w.done.complete(now);
            }
        }
    }

    /** Watches a region until it differs from (or, with {@code wantChange} false, equals) {@code reference}. */
    final Watch watch(int x, int y, int w, int h, int[] reference, boolean wantChange) {
        Watch next = new Watch(x, y, w, h, reference, wantChange);
        synchronized (lock) {
            watch = next;
        }
        return next;
    }

    final void unwatch() {
        synchronized (lock) {
            watch = null;
        }
    }

    static boolean changed(int[] a, int[] b) {
        return changedPixels(a, b) >= MIN_CHANGED;
    }

    static int changedPixels(int[] a, int[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            int p = a[i];
            int q = b[i];
            if (Math.abs(((p >> 16) & 0xFF) - ((q >> 16) & 0xFF)) > CHANNEL_DELTA
                    || Math.abs(((p >> 8) & 0xFF) - ((q >> 8) & 0xFF)) > CHANNEL_DELTA
                    || Math.abs((p & 0xFF) - (q & 0xFF)) > CHANNEL_DELTA) {
                n++;
            }
        }
        return n;
    }

    /** One pending observation: completes with the {@link System#nanoTime} of the frame that satisfied it. */
    static final class Watch {
        final int x;
        final int y;
        final int w;
        final int h;
        final int[] reference;
        final boolean wantChange;
        final CompletableFuture<Long> done = new CompletableFuture<>();

        Watch(int x, int y, int w, int h, int[] reference, boolean wantChange) {
            this.x = x;
            this.y = y;
            this.w = w;
            this.h = h;
            this.reference = reference;
            this.wantChange = wantChange;
        }
    }
}
