package dev.gangway.portal.desktop.rfb;

import java.io.IOException;

/**
 * ZRLE (encoding 16, RFC 6143 section 7.7.6): a counted block of the connection's one zlib stream that inflates to
 * 64×64 tiles, each raw, solid, packed-palette, plain RLE or palette RLE. With our pixel format a CPIXEL is 3 bytes,
 * blue, green, red (the low three bytes of the little-endian pixel).
 *
 * <p>Not thread-safe; owned by the reader thread. {@link #close} frees the inflater.
 */
final class ZrleDecoder implements AutoCloseable {

    private static final int TILE = 64;

    private final ZlibStream zlib = new ZlibStream("ZRLE");
    private final byte[] bytes = new byte[TILE * TILE * 3];
    private final int[] palette = new int[128];

    /** Decodes a {@code w × h} rectangle into {@code dst} (row after row, {@code w} per row). */
    void decode(RfbInput in, int w, int h, int[] dst) throws IOException {
        long length = in.readU32();
        long limit = compressedLimit(w, h);
        if (length > limit) {
            throw new RfbProtocolException("the VNC server sent " + length + " bytes of ZRLE data for a " + w + "×"
                    + h + " rectangle; at most " + limit + " can make sense");
        }
        zlib.begin(in, length);
        for (int ty = 0; ty < h; ty += TILE) {
            for (int tx = 0; tx < w; tx += TILE) {
                tile(dst, w, tx, ty, Math.min(TILE, w - tx), Math.min(TILE, h - ty));
            }
        }
        zlib.end();
    }

    /** Room for the worst case of every tile (palette RLE: 1 + 127 × 3 + 2 bytes a pixel) plus deflate's overhead. */
    static long compressedLimit(int w, int h) {
        long tiles = (long) ((w + TILE - 1) / TILE) * ((h + TILE - 1) / TILE);
        long worst = tiles * (1 + 127 * 3) + (long) w * h * 4;
        return worst + worst / 2 + 64 * 1024;
    }

    private void tile(int[] dst, int stride, int tx, int ty, int tw, int th) throws IOException {
        int sub = zlib.readU8();
        int area = tw * th;
        if (sub == 0) {
            zlib.readFully(bytes, 0, area * 3);
            for (int i = 0; i < area; i++) {
                put(dst, stride, tx, ty, tw, i, cpixel(bytes, i * 3));
            }
        } else if (sub == 1) {
            int colour = readCpixel();
            for (int i = 0; i < area; i++) {
                put(dst, stride, tx, ty, tw, i, colour);
            }
        } else if (sub <= 16) {
            packedPalette(dst, stride, tx, ty, tw, th, sub);
        } else if (sub == 128) {
            for (int i = 0; i < area;) {
                int colour = readCpixel();
                int run = runLength(area - i);
                for (int end = i + run; i < end; i++) {
                    put(dst, stride, tx, ty, tw, i, colour);
                }
            }
        } else if (sub >= 130) {
            int size = readPalette(sub - 128);
            for (int i = 0; i < area;) {
                int index = zlib.readU8();
                int run = (index & 0x80) != 0 ? runLength(area - i) : 1;
                int colour = paletteEntry(index & 0x7F, size);
                for (int end = i + run; i < end; i++) {
                    put(dst, stride, tx, ty, tw, i, colour);
                }
            }
        } else {
            throw new RfbProtocolException("the VNC server sent a ZRLE tile with the unused subencoding " + sub);
        }
    }

    private void packedPalette(int[] dst, int stride, int tx, int ty, int tw, int th, int size) throws IOException {
        readPalette(size);
        int bits = size == 2 ? 1 : size <= 4 ? 2 : 4;
        int rowBytes = (tw * bits + 7) / 8;
        zlib.readFully(bytes, 0, rowBytes * th);
        int mask = (1 << bits) - 1;
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                int bit = x * bits;
                int index = ((bytes[y * rowBytes + bit / 8] & 0xFF) >> (8 - bits - bit % 8)) & mask;
                put(dst, stride, tx, ty, tw, y * tw + x, paletteEntry(index, size));
            }
        }
    }

    private int readPalette(int size) throws IOException {
        zlib.readFully(bytes, 0, size * 3);
        for (int i = 0; i < size; i++) {
            palette[i] = cpixel(bytes, i * 3);
        }
        return size;
    }

    private int paletteEntry(int index, int size) throws RfbProtocolException {
        if (index >= size) {
            throw new RfbProtocolException("the VNC server sent a ZRLE palette index " + index + " for a palette of "
                    + size + " colours");
        }
        return palette[index];
    }

    /** 1 + the sum of bytes up to the first one below 255; never more than {@code left}. */
    private int runLength(int left) throws IOException {
        int length = 1;
        int b;
        do {
            b = zlib.readU8();
            length += b;
            if (length > left) {
                throw new RfbProtocolException("the VNC server sent a ZRLE run longer than its tile");
            }
        } while (b == 255);
        return length;
    }

    private int readCpixel() throws IOException {
        zlib.readFully(bytes, 0, 3);
        return cpixel(bytes, 0);
    }

    private static int cpixel(byte[] b, int off) {
        return 0xFF000000 | (b[off + 2] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off] & 0xFF);
    }

    private static void put(int[] dst, int stride, int tx, int ty, int tw, int i, int colour) {
        dst[(ty + i / tw) * stride + tx + i % tw] = colour;
    }

    @Override
    public void close() {
        zlib.close();
    }
}
