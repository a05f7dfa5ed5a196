package dev.gangway.bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LAN target every path leads to, one port for all modes so that ssh and the tunnel each forward a single
 * port. A connection starts with a 9-byte request: a mode byte and a big-endian length.
 * <ul>
 * <li>{@code E}: echo everything until end of input (latency);</li>
 * <li>{@code D}: send {@code length} bytes, then wait for the peer to close (download throughput);</li>
 * <li>{@code U}: read {@code length} bytes, then answer one byte (upload throughput).</li>
 * </ul>
 * A connection that ends before its request (readiness probes) or sends an unknown mode is just closed.
 */
final class TargetServer implements AutoCloseable {

    static final int CHUNK = 256 * 1024;

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private TargetServer(ServerSocket server) {
        this.server = server;
    }

    static TargetServer start() throws IOException {
        ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        TargetServer target = new TargetServer(server);
        Thread acceptor = new Thread(target::acceptLoop, "target-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return target;
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                open.add(s);
                Thread t = new Thread(() -> serve(s), "target-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int mode;
            long length;
            try {
                mode = in.readUnsignedByte();
                length = in.readLong();
            } catch (EOFException e) {
                return;
            }
            switch (mode) {
                case 'E' -> echo(in, out);
                case 'D' -> source(in, out, length);
                case 'U' -> sink(in, out, length);
                default -> {
                    // unknown request: close this connection only
                }
            }
        } catch (SocketException e) {
            // the peer reset the connection: nothing to serve any more
        } catch (IOException e) {
            System.err.println("target: connection failed: " + e);
        } finally {
            open.remove(s);
        }
    }

    private static void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    private static void source(InputStream in, OutputStream out, long length) throws IOException {
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
        // the client closes once it has counted every byte; closing first could reset data still in flight
        while (in.read(chunk) >= 0) {
            // drain
        }
    }

    private static void sink(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[CHUNK];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("upload ended after " + (length - left) + " of " + length + " bytes");
            }
            left -= n;
        }
        out.write('K');
        out.flush();
        while (in.read(buf) >= 0) {
            // drain until the client closes
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
