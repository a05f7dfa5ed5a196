package dev.gangway.portal.desktop.rfb;

import java.io.IOException;

/**
 * An RFB pixel format (16 bytes on the wire). This client always asks for {@link #ARGB32}: 32 bits per pixel, depth
 * 24, little endian, true colour, 8 bits per channel with red at bit 16, green at 8 and blue at 0, so a pixel read as
 * a little-endian int is already {@code 0x00RRGGBB}. The server's own format is only reported.
 */
public record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour, int redMax,
        int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {

    /** The format this client asks every server for. */
    public static final PixelFormat ARGB32 = new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    static PixelFormat read(RfbInput in) throws IOException {
        PixelFormat format = new PixelFormat(in.readU8(), in.readU8(), in.readU8() != 0, in.readU8() != 0,
                in.readU16(), in.readU16(), in.readU16(), in.readU8(), in.readU8(), in.readU8());
        in.skip(3);
        return format;
    }

    void write(byte[] b, int off) {
        b[off] = (byte) bitsPerPixel;
        b[off + 1] = (byte) depth;
        b[off + 2] = (byte) (bigEndian ? 1 : 0);
        b[off + 3] = (byte) (trueColour ? 1 : 0);
        RfbOutput.putU16(b, off + 4, redMax);
        RfbOutput.putU16(b, off + 6, greenMax);
        RfbOutput.putU16(b, off + 8, blueMax);
        b[off + 10] = (byte) redShift;
        b[off + 11] = (byte) greenShift;
        b[off + 12] = (byte) blueShift;
    }
}
