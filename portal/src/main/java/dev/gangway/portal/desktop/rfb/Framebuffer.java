package dev.gangway.portal.desktop.rfb;

import java.util.Arrays;

/**
 * The remote screen as this client knows it: {@code width × height} pixels as {@code 0xAARRGGBB} ints (alpha always
 * 0xFF), row after row. Starts black; the reader thread writes decoded rectangles into it, and a converter reads
 * regions from it on its own thread (every method takes the object's lock, held only for array copies).
 *
 * <p>Bounds: each side 1 to {@value #MAX_DIMENSION} pixels, at most {@value #MAX_PIXELS} pixels in all (5K; 64 MiB).
 */
public final class Framebuffer {

    /** The largest width or height accepted from a server. */
    public static final int MAX_DIMENSION = 16384;
    /** The largest area accepted from a server, in pixels (16 Mi: 5120×3200 fits). */
    public static final int MAX_PIXELS = 16 * 1024 * 1024;

    private int width;
    private int height;
    private int[] pixels;

    Framebuffer(int width, int height) {
        checkSize(width, height);
        this.width = width;
        this.height = height;
        this.pixels = black(width * height);
    }

    static void checkSize(int width, int height) throws IllegalArgumentException {
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION
                || (long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("a screen of " + width + "×" + height + " pixels is beyond this "
                    + "client's limits (each side 1 to " + MAX_DIMENSION + ", at most " + MAX_PIXELS + " pixels)");
        }
    }

    public synchronized int width() {
        return width;
    }

    public synchronized int height() {
        return height;
    }

    /** The pixel at (x, y) as {@code 0xFFRRGGBB}. */
    public synchronized int pixel(int x, int y) {
        checkInside(x, y, 1, 1);
        return pixels[y * width + x];
    }

    /** A copy of the region, row after row ({@code w} ints per row). */
    public synchronized int[] region(int x, int y, int w, int h) {
        checkInside(x, y, w, h);
        int[] copy = new int[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(pixels, (y + row) * width + x, copy, row * w, w);
        }
        return copy;
    }

    /** A copy of the whole screen. */
    public synchronized int[] snapshot() {
        return pixels.clone();
    }

    synchronized void resize(int newWidth, int newHeight) {
        checkSize(newWidth, newHeight);
        int[] next = black(newWidth * newHeight);
        int keepWidth = Math.min(width, newWidth);
        for (int row = 0; row < Math.min(height, newHeight); row++) {
            System.arraycopy(pixels, row * width, next, row * newWidth, keepWidth);
        }
        width = newWidth;
        height = newHeight;
        pixels = next;
    }

    /** Writes {@code src} (row after row, {@code w} ints per row, from index 0) to the region. */
    synchronized void write(int x, int y, int w, int h, int[] src) {
        checkInside(x, y, w, h);
        for (int row = 0; row < h; row++) {
            System.arraycopy(src, row * w, pixels, (y + row) * width + x, w);
        }
    }

    /** Copies a region within the screen; source and destination may overlap. */
    synchronized void copy(int srcX, int srcY, int x, int y, int w, int h) {
        checkInside(srcX, srcY, w, h);
        checkInside(x, y, w, h);
        if (y > srcY) {
            for (int row = h - 1; row >= 0; row--) {
                System.arraycopy(pixels, (srcY + row) * width + srcX, pixels, (y + row) * width + x, w);
            }
        } else {
            // arraycopy handles an overlap within one row
            for (int row = 0; row < h; row++) {
                System.arraycopy(pixels, (srcY + row) * width + srcX, pixels, (y + row) * width + x, w);
            }
        }
    }

    private void checkInside(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 0 || h < 0 || (long) x + w > width || (long) y + h > height) {
            throw new IndexOutOfBoundsException("region " + w + "×" + h + " at " + x + "," + y
                    + " is outside the " + width + "×" + height + " screen");
        }
    }

    private static int[] black(int n) {
        int[] p = new int[n];
        Arrays.fill(p, 0xFF000000);
        return p;
    }
}
