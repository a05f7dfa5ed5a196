package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.GuacSink;
import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes Guacamole instructions and sends them to the browser in messages of at most about
 * {@value #MESSAGE_CHARS} characters (whole instructions only; a frame of many images goes out as it is encoded, not
 * as one huge WebSocket message). Element lengths count Unicode code points, as the protocol requires. Streams
 * (images, clipboard) are cut into blobs of at most {@value #BLOB_BYTES} bytes, {@value #BLOB_BASE64} characters of
 * base64, below guacamole-common's 8192-character instruction limit. Not thread-safe: one per sending thread.
 */
final class GuacOut {

    static final int MESSAGE_CHARS = 64 * 1024;
    static final int BLOB_BYTES = 4608;
    static final int BLOB_BASE64 = BLOB_BYTES / 3 * 4;

    private final GuacSink sink;
    private final AtomicLong sent;
    private final StringBuilder buffer = new StringBuilder();

    /** @param sent counts the characters handed to the sink (ASCII but for text in messages) */
    GuacOut(GuacSink sink, AtomicLong sent) {
        this.sink = sink;
        this.sent = sent;
    }

    /** Appends one instruction; sends what is buffered when it grew past the message size. */
    GuacOut add(String opcode, Object... args) throws IOException {
        element(opcode);
        for (Object arg : args) {
            buffer.append(',');
            element(String.valueOf(arg));
        }
        buffer.append(';');
        if (buffer.length() >= MESSAGE_CHARS) {
            flush();
        }
        return this;
    }

    /** The stream's data as blobs, then its end. */
    GuacOut blobsAndEnd(int stream, byte[] data) throws IOException {
        Base64.Encoder base64 = Base64.getEncoder();
        for (int off = 0; off < data.length; off += BLOB_BYTES) {
            int n = Math.min(BLOB_BYTES, data.length - off);
            byte[] part = new byte[n];
            System.arraycopy(data, off, part, 0, n);
            add("blob", stream, base64.encodeToString(part));
        }
        return add("end", stream);
    }

    private void element(String value) {
        buffer.append(value.codePointCount(0, value.length())).append('.').append(value);
    }

    /**
     * Sends whatever is buffered.
     *
     * @throws BrowserGone the sink failed: the browser's WebSocket is gone
     */
    void flush() throws BrowserGone {
        if (buffer.length() > 0) {
            String message = buffer.toString();
            buffer.setLength(0);
            send(sink, message);
            sent.addAndGet(message.length());
        }
    }

    /** Sends to the sink, turning its failure into {@link BrowserGone}. */
    static void send(GuacSink sink, String message) throws BrowserGone {
        try {
            sink.send(message);
        } catch (IOException e) {
            throw new BrowserGone(e);
        }
    }

    /** The browser's WebSocket failed: the session ends as closed by the user. */
    static final class BrowserGone extends IOException {
        private static final long serialVersionUID = 1L;

        BrowserGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** One instruction, encoded, for tests and one-off messages. */
    static String encode(String opcode, Object... args) {
        StringBuilder b = new StringBuilder();
        String op = opcode;
        b.append(op.codePointCount(0, op.length())).append('.').append(op);
        for (Object arg : args) {
            String v = String.valueOf(arg);
            b.append(',').append(v.codePointCount(0, v.length())).append('.').append(v);
        }
        return b.append(';').toString();
    }
}
