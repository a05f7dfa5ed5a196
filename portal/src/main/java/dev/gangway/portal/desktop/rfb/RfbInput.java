package dev.gangway.portal.desktop.rfb;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Reads RFB's big-endian fields from the server's stream. Every variable length is checked against a limit before
 * anything is allocated, and an end of stream in the middle of a message is an {@link RfbProtocolException}.
 *
 * <p>Not thread-safe: used by the one thread that reads the connection.
 */
final class RfbInput {

    private final InputStream in;
    private final byte[] scratch = new byte[8192];

    RfbInput(InputStream in) {
        // most fields are single bytes: never one system call each
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
    }

    /** The next byte, or -1 when the server closed the connection cleanly before it. */
    int readU8OrEnd() throws IOException {
        return in.read();
    }

    int readU8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw closed();
        }
        return b;
    }

    int readU16() throws IOException {
        return (readU8() << 8) | readU8();
    }

    int readS32() throws IOException {
        return (readU8() << 24) | (readU8() << 16) | (readU8() << 8) | readU8();
    }

    long readU32() throws IOException {
        return readS32() & 0xFFFF_FFFFL;
    }

    void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (EOFException e) {
                n = -1;
            }
            if (n < 0) {
                throw closed();
            }
            off += n;
            len -= n;
        }
    }

    byte[] readBytes(int len) throws IOException {
        byte[] b = new byte[len];
        readFully(b, 0, len);
        return b;
    }

    /** Reads and drops {@code len} bytes (by reading: {@link InputStream#skip} may not block). */
    void skip(long len) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(scratch.length, len);
            readFully(scratch, 0, n);
            len -= n;
        }
    }

    /**
     * A length-prefixed (U32) string such as a reason or the desktop name.
     *
     * @param what the field in the user's words, for the error message
     * @param max the largest length accepted, in bytes
     */
    String readString(String what, int max, Charset charset) throws IOException {
        long len = readU32();
        if (len > max) {
            throw new RfbProtocolException("the VNC server sent a " + what + " of " + len + " bytes; the limit is "
                    + max + " bytes");
        }
        return new String(readBytes((int) len), charset);
    }

    static RfbProtocolException closed() {
        return new RfbProtocolException("the VNC server closed the connection in the middle of a message");
    }
}
