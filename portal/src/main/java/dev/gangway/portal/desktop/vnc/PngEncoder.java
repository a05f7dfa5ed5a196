package dev.gangway.portal.desktop.vnc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG encoder for screen regions: 8-bit truecolour (RGB, or RGBA for the cursor), each row filtered
 * with whichever of None, Sub, Up and Paeth gives the smallest sum of absolute values (the usual heuristic), then
 * one zlib stream in one IDAT chunk. Written because ImageIO's PNG writer is several times slower on the same
 * pixels (see the measurement in docs/desktop.md). One instance per session; not thread-safe; {@link #close} frees
 * the native zlib state.
 */
final class PngEncoder implements AutoCloseable {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final Deflater deflater;
    private final byte[] chunk = new byte[64 * 1024];

    PngEncoder(int level) {
        deflater = new Deflater(level);
    }

    /**
     * Encodes {@code width × height} pixels of {@code argb} (row after row, {@code width} per row, from index 0).
     *
     * @param alpha true to keep the alpha channel (colour type 6), false for opaque RGB (colour type 2)
     */
    byte[] encode(int[] argb, int width, int height, boolean alpha) {
        int bpp = alpha ? 4 : 3;
        int rowLength = width * bpp;
        byte[] prev = new byte[rowLength];
        byte[] cur = new byte[rowLength];
        byte[] best = new byte[rowLength + 1];
        byte[] trial = new byte[rowLength + 1];
        ByteArrayOutputStream idat = new ByteArrayOutputStream(Math.max(1024, width * height / 4));
        deflater.reset();
        for (int y = 0; y < height; y++) {
            int p = y * width;
            int o = 0;
            for (int x = 0; x < width; x++) {
                int c = argb[p + x];
                cur[o++] = (byte) (c >>> 16);
                cur[o++] = (byte) (c >>> 8);
                cur[o++] = (byte) c;
                if (alpha) {
                    cur[o++] = (byte) (c >>> 24);
                }
            }
            filterRow(cur, prev, bpp, best, trial);
            deflater.setInput(best, 0, rowLength + 1);
            drain(idat, Deflater.NO_FLUSH);
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(chunk);
            idat.write(chunk, 0, n);
        }
        byte[] compressed = idat.toByteArray();

        ByteArrayOutputStream png = new ByteArrayOutputStream(compressed.length + 64);
        png.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = (byte) (alpha ? 6 : 2);
        writeChunk(png, "IHDR", ihdr);
        writeChunk(png, "IDAT", compressed);
        writeChunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private void drain(ByteArrayOutputStream out, int flush) {
        while (!deflater.needsInput()) {
            int n = deflater.deflate(chunk, 0, chunk.length, flush);
            out.write(chunk, 0, n);
        }
    }

    /** Writes the filter type and the filtered row with the smallest sum of absolute values into {@code best}. */
    private static void filterRow(byte[] cur, byte[] prev, int bpp, byte[] best, byte[] trial) {
        int n = cur.length;
        // None
        long bestSum = 0;
        best[0] = 0;
        for (int i = 0; i < n; i++) {
            best[i + 1] = cur[i];
            bestSum += Math.abs((int) cur[i]);
        }
        if (bestSum == 0) {
            return;
        }
        for (int type = 1; type <= 4; type++) {
            if (type == 3) {
                continue; // Average rarely wins on screen content
            }
            long sum = 0;
            trial[0] = (byte) type;
            for (int i = 0; i < n && sum < bestSum; i++) {
                int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
                int b = prev[i] & 0xFF;
                int predicted = switch (type) {
                    case 1 -> a;
                    case 2 -> b;
                    default -> paeth(a, b, i >= bpp ? prev[i - bpp] & 0xFF : 0);
                };
                byte v = (byte) (cur[i] - predicted);
                trial[i + 1] = v;
                sum += Math.abs((int) v);
            }
            if (sum < bestSum) {
                bestSum = sum;
                System.arraycopy(trial, 0, best, 0, n + 1);
            }
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static void writeChunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] head = new byte[8];
        putInt(head, 0, data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(typeBytes, 0, head, 4, 4);
        png.writeBytes(head);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        png.writeBytes(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
