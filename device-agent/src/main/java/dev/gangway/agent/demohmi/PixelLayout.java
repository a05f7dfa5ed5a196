package dev.gangway.agent.demohmi;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A viewer's RFB pixel format, limited to what the demo panel serves: 32 bits a pixel, true colour, 8 bits a
 * channel at any byte-aligned shift, either byte order (every current viewer asks for one of these).
 */
record PixelLayout(boolean bigEndian, int redShift, int greenShift, int blueShift) {

    /** What the server announces: little endian, red at bit 16, green 8, blue 0. */
    static final PixelLayout DEFAULT = new PixelLayout(false, 16, 8, 0);

    static PixelLayout parse(byte[] format) throws IOException {
        int bpp = format[0] & 0xFF;
        boolean bigEndian = format[2] != 0;
        boolean trueColour = format[3] != 0;
        int redMax = (format[4] & 0xFF) << 8 | format[5] & 0xFF;
        int greenMax = (format[6] & 0xFF) << 8 | format[7] & 0xFF;
        int blueMax = (format[8] & 0xFF) << 8 | format[9] & 0xFF;
        int red = format[10] & 0xFF;
        int green = format[11] & 0xFF;
        int blue = format[12] & 0xFF;
        if (bpp != 32 || !trueColour || redMax != 255 || greenMax != 255 || blueMax != 255
                || red % 8 != 0 || green % 8 != 0 || blue % 8 != 0 || red > 24 || green > 24 || blue > 24) {
            throw new IOException("the viewer asked for a pixel format the demo panel does not serve (it serves"
                    + " 32 bits a pixel, true colour, 8 bits a channel)");
        }
        return new PixelLayout(bigEndian, red, green, blue);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeByte(32);
        out.writeByte(24);
        out.writeByte(bigEndian ? 1 : 0);
        out.writeByte(1);
        out.writeShort(255);
        out.writeShort(255);
        out.writeShort(255);
        out.writeByte(redShift);
        out.writeByte(greenShift);
        out.writeByte(blueShift);
        out.write(new byte[3]);
    }

    /** Writes the 0xRRGGBB pixel at {@code offset} in this layout. */
    void put(byte[] buffer, int offset, int rgb) {
        int value = (rgb >> 16 & 0xFF) << redShift | (rgb >> 8 & 0xFF) << greenShift | (rgb & 0xFF) << blueShift;
        if (bigEndian) {
            buffer[offset] = (byte) (value >>> 24);
            buffer[offset + 1] = (byte) (value >>> 16);
            buffer[offset + 2] = (byte) (value >>> 8);
            buffer[offset + 3] = (byte) value;
        } else {
            buffer[offset] = (byte) value;
            buffer[offset + 1] = (byte) (value >>> 8);
            buffer[offset + 2] = (byte) (value >>> 16);
            buffer[offset + 3] = (byte) (value >>> 24);
        }
    }
}
