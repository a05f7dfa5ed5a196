package dev.gangway.portal.desktop;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP connection seen as a {@link TunnelStream}: how the embedded VNC converter reads the private Xvnc of an
 * RDP session, and how tests and the benchmark reach a VNC server without a device tunnel. Bytes are counted like a
 * tunnel stream's. Thread-safety as the socket's streams (one reader, one writer); {@link #close} from any thread.
 */
public final class SocketTunnelStream implements TunnelStream {

    private final Socket socket;
    private final AtomicLong fromServer = new AtomicLong();
    private final AtomicLong toServer = new AtomicLong();
    private final InputStream input;
    private final OutputStream output;

    private SocketTunnelStream(Socket socket) throws IOException {
        this.socket = socket;
        this.input = new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    fromServer.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    fromServer.addAndGet(n);
                }
                return n;
            }
        };
        this.output = new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(int b) throws IOException {
                super.out.write(b);
                toServer.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                super.out.write(b, off, len);
                toServer.addAndGet(len);
            }
        };
    }

    /** Connects to {@code 127.0.0.1:port} (within 5 s). */
    public static SocketTunnelStream connectLoopback(int port) throws IOException {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    }

    /** Connects to {@code address} within {@code timeoutMillis}, with TCP_NODELAY. */
    public static SocketTunnelStream connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, timeoutMillis);
            socket.setTcpNoDelay(true);
            return new SocketTunnelStream(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A stream over an already connected socket (closed with it). */
    public static SocketTunnelStream over(Socket socket) throws IOException {
        return new SocketTunnelStream(socket);
    }

    /** How long a read may block before it fails ({@link Socket#setSoTimeout}; 0 = forever). */
    public void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public long bytesFromDevice() {
        return fromServer.get();
    }

    @Override
    public long bytesToDevice() {
        return toServer.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
