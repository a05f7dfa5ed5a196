package dev.gangway.portal.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder in front of the relay that can cut the tunnel while both ends keep running: {@link #cut}
 * closes every connection it carries and closes new ones at once, {@link #restore} lets them through again
 * (the TLS stays end to end).
 */
final class RelayGate implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress relay;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    RelayGate(InetSocketAddress bind, InetSocketAddress relay) throws IOException {
        this.relay = relay;
        this.server = new ServerSocket();
        server.bind(bind);
        Thread acceptor = new Thread(this::accept, "relay-gate");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections let through so far. */
    int connections() {
        return connections.get();
    }

    synchronized void cut() {
        cut = true;
        sockets.forEach(RelayGate::closeQuietly);
        sockets.clear();
    }

    synchronized void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket agent = server.accept();
                synchronized (this) {
                    if (cut) {
                        closeQuietly(agent);
                        continue;
                    }
                    connections.incrementAndGet();
                    Socket toRelay = new Socket();
                    sockets.add(agent);
                    sockets.add(toRelay);
                    toRelay.connect(relay, 5_000);
                    pipe(agent, toRelay);
                    pipe(toRelay, agent);
                }
            } catch (IOException e) {
                // closed, or the relay refused this one: the agent sees its connection fail
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-gate-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
