package dev.gangway.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that behaves like a NAT with an idle timeout: a connection that carried nothing, either way,
 * for {@code idleTimeout} is forgotten. Bytes from the relay for a forgotten connection are dropped; the next bytes
 * from the agent get a TCP reset (as the relay's host answers a packet from a port it does not know).
 */
final class ForgetfulNat implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long idleNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Connections reset because they were forgotten. */
    final AtomicInteger resets = new AtomicInteger();
    /** Chunks of bytes the agent's side sent through each mapping, in the order the mappings were made. */
    final List<AtomicInteger> fromAgent = new CopyOnWriteArrayList<>();

    ForgetfulNat(InetSocketAddress upstream, Duration idleTimeout) throws IOException {
        this.upstream = upstream;
        this.idleNanos = idleTimeout.toNanos();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "nat-acceptor");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket agent = server.accept();
                Socket relay = new Socket(upstream.getAddress(), upstream.getPort());
                agent.setTcpNoDelay(true);
                relay.setTcpNoDelay(true);
                sockets.add(agent);
                sockets.add(relay);
                Mapping mapping = new Mapping(agent, relay);
                pump(mapping, agent, relay, true);
                pump(mapping, relay, agent, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One NAT mapping: when it last carried a byte. */
    private final class Mapping {
        final Socket agent;
        final Socket relay;
        volatile long lastNanos = System.nanoTime();
        volatile boolean forgotten;
        final AtomicInteger chunks = new AtomicInteger();

        Mapping(Socket agent, Socket relay) {
            this.agent = agent;
            this.relay = relay;
            fromAgent.add(chunks);
        }

        /** Whether the mapping still exists for a packet now (and refreshes it if so). */
        synchronized boolean use() {
            long now = System.nanoTime();
            if (!forgotten && now - lastNanos > idleNanos) {
                forgotten = true;
            }
            if (!forgotten) {
                lastNanos = now;
            }
            return !forgotten;
        }

        void resetAgent() {
            resets.incrementAndGet();
            try {
                agent.setSoLinger(true, 0);
                agent.close();
                relay.close(); // the relay notices later in real life; here it only makes the test tidy
            } catch (IOException e) {
                // closed already
            }
        }
    }

    private void pump(Mapping mapping, Socket from, Socket to, boolean fromAgent) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (mapping.use()) {
                        if (fromAgent) {
                            mapping.chunks.incrementAndGet();
                        }
                        out.write(buffer, 0, n);
                    } else if (fromAgent) {
                        mapping.resetAgent();
                        return;
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }, "nat-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
