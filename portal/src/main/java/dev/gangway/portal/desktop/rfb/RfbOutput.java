package dev.gangway.portal.desktop.rfb;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes the client's RFB messages. Each message goes out as one write followed by a flush, under a lock, so input
 * events from any thread never interleave.
 */
final class RfbOutput {

    private final OutputStream out;

    RfbOutput(OutputStream out) {
        this.out = out;
    }

    void send(byte[] message) throws IOException {
        synchronized (out) {
            out.write(message);
            out.flush();
        }
    }

    static byte[] setPixelFormat(PixelFormat format) {
        byte[] b = new byte[20];
        b[0] = 0;
        format.write(b, 4);
        return b;
    }

    static byte[] setEncodings(List<Integer> encodings) {
        byte[] b = new byte[4 + 4 * encodings.size()];
        b[0] = 2;
        putU16(b, 2, encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            putS32(b, 4 + 4 * i, encodings.get(i));
        }
        return b;
    }

    static byte[] framebufferUpdateRequest(boolean incremental, int x, int y, int width, int height) {
        byte[] b = new byte[10];
        b[0] = 3;
        b[1] = (byte) (incremental ? 1 : 0);
        putU16(b, 2, x);
        putU16(b, 4, y);
        putU16(b, 6, width);
        putU16(b, 8, height);
        return b;
    }

    static byte[] keyEvent(int keysym, boolean down) {
        byte[] b = new byte[8];
        b[0] = 4;
        b[1] = (byte) (down ? 1 : 0);
        putS32(b, 4, keysym);
        return b;
    }

    static byte[] pointerEvent(int x, int y, int buttonMask) {
        byte[] b = new byte[6];
        b[0] = 5;
        b[1] = (byte) buttonMask;
        putU16(b, 2, x);
        putU16(b, 4, y);
        return b;
    }

    /**
     * SetDesktopSize (ExtendedDesktopSize extension): one screen of {@code width × height} at 0,0, keeping the id and
     * flags of the server's first screen.
     */
    static byte[] setDesktopSize(int width, int height, int screenId, int screenFlags) {
        byte[] b = new byte[8 + 16];
        b[0] = (byte) 251;
        putU16(b, 2, width);
        putU16(b, 4, height);
        b[6] = 1;
        putS32(b, 8, screenId);
        putU16(b, 16, width);
        putU16(b, 18, height);
        putS32(b, 20, screenFlags);
        return b;
    }

    static byte[] clientCutText(byte[] latin1) {
        byte[] b = new byte[8 + latin1.length];
        b[0] = 6;
        putS32(b, 4, latin1.length);
        System.arraycopy(latin1, 0, b, 8, latin1.length);
        return b;
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void putS32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
