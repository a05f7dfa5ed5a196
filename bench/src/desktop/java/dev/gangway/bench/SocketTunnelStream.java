package dev.gangway.bench;

import dev.gangway.portal.desktop.TunnelStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tunnel stream of the desktop scenario: a TCP connection to the bench client JVM's local forwarder, which opens a
 * fresh ticketed stream through the relay to the agent and on to Xvnc (what the portal's stream opener does inside
 * the portal). Counts the bytes both ways. Threads: one reader, one writer at a time; counters from any thread.
 */
final class SocketTunnelStream implements TunnelStream {

    private final Socket socket;
    private final AtomicLong fromDevice = new AtomicLong();
    private final AtomicLong toDevice = new AtomicLong();
    private final InputStream in;
    private final OutputStream out;

    private SocketTunnelStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    fromDevice.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    fromDevice.addAndGet(n);
                }
                return n;
            }
        };
        this.out = new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(int b) throws IOException {
                super.write(b);
                toDevice.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                toDevice.addAndGet(len);
            }
        };
    }

    static SocketTunnelStream open(int forwarderPort) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", forwarderPort), 10_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            return new SocketTunnelStream(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public long bytesFromDevice() {
        return fromDevice.get();
    }

    @Override
    public long bytesToDevice() {
        return toDevice.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
