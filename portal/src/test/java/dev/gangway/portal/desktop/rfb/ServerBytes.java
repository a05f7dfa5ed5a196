package dev.gangway.portal.desktop.rfb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.Deflater;

/** Builds what a VNC server sends, byte by byte, for tests that feed it to the client. */
final class ServerBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ServerBytes u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    ServerBytes u16(int... values) {
        for (int v : values) {
            out.write(v >>> 8);
            out.write(v);
        }
        return this;
    }

    ServerBytes s32(int... values) {
        for (int v : values) {
            u16(v >>> 16, v & 0xFFFF);
        }
        return this;
    }

    ServerBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    ServerBytes hex(String hex) {
        return bytes(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    ServerBytes ascii(String text) {
        return bytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A U32 length and the UTF-8 text. */
    ServerBytes string(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return s32(b.length).bytes(b);
    }

    /** RFB 3.8 with security None, and a ServerInit for a {@code width × height} screen named "test". */
    ServerBytes noneHandshake(int width, int height) {
        return ascii("RFB 003.008\n").u8(1, 1).s32(0).serverInit(width, height, "test");
    }

    ServerBytes serverInit(int width, int height, String name) {
        u16(width, height);
        u8(32, 24, 0, 1).u16(255, 255, 255).u8(16, 8, 0, 0, 0, 0);
        return string(name);
    }

    /** A FramebufferUpdate header. */
    ServerBytes update(int rectangles) {
        return u8(0, 0).u16(rectangles);
    }

    ServerBytes rect(int x, int y, int w, int h, int encoding) {
        return u16(x, y, w, h).s32(encoding);
    }

    /** One pixel in our format (32 bpp little endian): B, G, R, 0. */
    ServerBytes pixel(int rgb) {
        return u8(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF, 0);
    }

    /** A ZRLE CPIXEL: B, G, R. */
    ServerBytes cpixel(int rgb) {
        return u8(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF);
    }

    /** A Tight TPIXEL: R, G, B. */
    ServerBytes tpixel(int rgb) {
        return u8((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }

    /** Tight's compact length. */
    ServerBytes compact(int length) {
        if (length < 0x80) {
            return u8(length);
        }
        if (length < 0x4000) {
            return u8(0x80 | (length & 0x7F), length >> 7);
        }
        return u8(0x80 | (length & 0x7F), 0x80 | ((length >> 7) & 0x7F), length >> 14);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Compresses {@code data} as the next block of a persistent zlib stream (sync flush, as VNC servers do). */
    static byte[] deflate(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            compressed.write(buf, 0, n);
        } while (n == buf.length);
        return compressed.toByteArray();
    }
}
