package dev.gangway.portal.desktop.rfb;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One of RFB's persistent zlib streams (ZRLE has one per connection, Tight four). For each rectangle the server sends
 * a counted block of compressed bytes that continues the stream; {@link #begin} hands that block to this object,
 * {@link #readFully} inflates exactly what the decoder asks for (so output is bounded by the rectangle's geometry,
 * never by the data), and {@link #end} consumes the rest of the block, which must inflate to nothing.
 *
 * <p>Not thread-safe. {@link #close} frees the native inflater.
 */
final class ZlibStream implements AutoCloseable {

    private final String name;
    private final Inflater inflater = new Inflater();
    private final byte[] input = new byte[16 * 1024];
    private final byte[] single = new byte[1];
    private RfbInput source;
    private long remaining;

    ZlibStream(String name) {
        this.name = name;
    }

    void reset() {
        inflater.reset();
    }

    void begin(RfbInput source, long compressedLength) {
        this.source = source;
        this.remaining = compressedLength;
    }

    int readU8() throws IOException {
        readFully(single, 0, 1);
        return single[0] & 0xFF;
    }

    void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = inflate(b, off, len);
            if (n > 0) {
                off += n;
                len -= n;
            } else if (inflater.needsInput()) {
                if (remaining == 0) {
                    throw new RfbProtocolException("the VNC server's " + name
                            + " data ended before the rectangle was complete");
                }
                feed();
            } else if (inflater.finished() || inflater.needsDictionary()) {
                throw new RfbProtocolException("the VNC server ended its " + name + " stream in mid-session");
            }
        }
    }

    /** Consumes the rest of the rectangle's compressed block; it must not hold more pixels. */
    void end() throws IOException {
        byte[] sink = new byte[256];
        while (true) {
            if (inflater.needsInput()) {
                if (remaining == 0) {
                    break;
                }
                feed();
            }
            if (inflate(sink, 0, sink.length) > 0) {
                throw new RfbProtocolException("the VNC server's " + name + " data is longer than its rectangle");
            }
            if (!inflater.needsInput()) {
                // finished or waiting for a dictionary with input left: nothing more can come out of this block
                throw new RfbProtocolException("the VNC server ended its " + name + " stream in mid-session");
            }
        }
        source = null;
    }

    private void feed() throws IOException {
        int chunk = (int) Math.min(input.length, remaining);
        source.readFully(input, 0, chunk);
        remaining -= chunk;
        inflater.setInput(input, 0, chunk);
    }

    private int inflate(byte[] b, int off, int len) throws RfbProtocolException {
        try {
            return inflater.inflate(b, off, len);
        } catch (DataFormatException e) {
            throw new RfbProtocolException("the VNC server's " + name + " data is corrupt (" + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
