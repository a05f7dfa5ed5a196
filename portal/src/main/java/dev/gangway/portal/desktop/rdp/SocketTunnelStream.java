package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.TunnelStream;
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
 * A plain loopback TCP connection seen as a {@link TunnelStream}: how the embedded VNC converter reads the session's
 * private Xvnc. Thread-safety as the socket's streams (one reader, one writer); {@link #close} from any thread.
 */
final class SocketTunnelStream implements TunnelStream {

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
    static SocketTunnelStream connectLoopback(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setTcpNoDelay(true);
            return new SocketTunnelStream(socket);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot reach the session's private X server: " + e.getMessage(), e);
        }
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
