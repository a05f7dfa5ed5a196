package dev.gangway.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The user's application in the benchmark: talks to the {@link TargetServer} protocol through a path's local
 * port with plain blocking sockets and TCP_NODELAY.
 */
final class Probe {

    private static final int TIMEOUT_MS = 30_000;

    private Probe() {
    }

    /** Receives one long stream of {@code bytes}; returns MB/s (10^6 bytes per second). */
    static double download(int port, long bytes) throws IOException {
        try (Socket s = connect(port)) {
            long start = System.nanoTime();
            request(s, 'D', bytes);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[TargetServer.CHUNK];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("download ended after " + (bytes - left) + " of " + bytes + " bytes");
                }
                left -= n;
            }
            return rate(bytes, System.nanoTime() - start);
        }
    }

    /** Sends one long stream of {@code bytes} and waits for the target's receipt; returns MB/s. */
    static double upload(int port, long bytes) throws IOException {
        try (Socket s = connect(port)) {
            long start = System.nanoTime();
            request(s, 'U', bytes);
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[TargetServer.CHUNK];
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
            }
            out.flush();
            if (s.getInputStream().read() != 'K') {
                throw new EOFException("upload of " + bytes + " bytes was not acknowledged by the target");
            }
            return rate(bytes, System.nanoTime() - start);
        }
    }

    /**
     * One connection: {@code warmup} unrecorded round trips, then {@code count} timed ones of {@code size} bytes
     * each (write, then read the same bytes back). Returns the round-trip times in nanoseconds.
     */
    static long[] roundTrips(int port, int size, int count, int warmup) throws IOException {
        long[] times = new long[count];
        try (Socket s = connect(port)) {
            request(s, 'E', 0);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] message = new byte[size];
            byte[] echo = new byte[size];
            for (int i = -warmup; i < count; i++) {
                // a different first and last byte each time, so a stale or misordered echo is noticed
                message[0] = (byte) i;
                message[size - 1] = (byte) (i >>> 8);
                long start = System.nanoTime();
                out.write(message);
                readFully(in, echo);
                long elapsed = System.nanoTime() - start;
                if (echo[0] != message[0] || echo[size - 1] != message[size - 1]) {
                    throw new IOException("echo of round trip " + i + " does not match what was sent");
                }
                if (i >= 0) {
                    times[i] = elapsed;
                }
            }
        }
        return times;
    }

    /** True when one small echo round trip works within {@code timeoutMs}. */
    static boolean works(int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            request(s, 'E', 0);
            s.getOutputStream().write(new byte[] {42});
            return s.getInputStream().read() == 42;
        } catch (IOException e) {
            return false;
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static void request(Socket s, char mode, long length) throws IOException {
        // one write, so the request is one segment on every path
        byte[] header = new byte[9];
        header[0] = (byte) mode;
        for (int i = 0; i < 8; i++) {
            header[8 - i] = (byte) (length >>> (8 * i));
        }
        s.getOutputStream().write(header);
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            if (n < 0) {
                throw new EOFException("echo ended after " + off + " of " + into.length + " bytes");
            }
            off += n;
        }
    }

    private static double rate(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }
}
