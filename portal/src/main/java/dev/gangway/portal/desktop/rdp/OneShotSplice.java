package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot TCP listener spliced into a device tunnel stream, for converters whose engine needs a TCP target
 * (xfreerdp, guacd): it listens on an ephemeral port of one address, accepts exactly one connection from an expected
 * peer within a bounded time, closes the listener, opens the tunnel stream with the session's
 * {@link TunnelStreamOpener} and copies bytes both ways until either side ends.
 *
 * <p>Lifecycle: {@link #open} binds and starts the thread {@code gangway-desktop-<name>-splice}, which accepts, opens
 * the tunnel stream, starts {@code gangway-desktop-<name>-splice-up} (engine → device) and itself copies device →
 * engine. When either direction ends, or on {@link #close} (any thread, idempotent), both sockets and the tunnel
 * stream are closed and the threads end; {@code close} waits for them (about a second at most; a thread blocked in
 * the opener is interrupted and ends when the opener gives up). {@code onEnd} runs once, on a splice thread or the
 * closing one, after everything was released.
 *
 * <p>Errors: when no expected peer connects in time, or the opener fails, the listener is closed and
 * {@link #failure()} holds a sentence for the user (the opener's own message, e.g. "the device is offline"); the
 * engine sees its connection closed. A connection from any other address is closed at once and the listener keeps
 * waiting.
 *
 * <p>Security: on loopback every local process connects from 127.0.0.1, so another process on the portal host could
 * connect first during the short window between {@link #open} and the engine's connect. With the engine's pid
 * given (xfreerdp), such a connection is refused on Linux: the client socket must belong to that process
 * ({@link LoopbackPeer}). Without it (elsewhere, or guacd, which is not our child) the address check is all; the
 * portal host is trusted in this design (it holds the tunnel keys). See docs/desktop.md.
 */
public final class OneShotSplice implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OneShotSplice.class);
    private static final int BUFFER = 16 * 1024;
    private static final long JOIN_MILLIS = 1000;

    private final String name;
    private final ServerSocket listener;
    private final Set<InetAddress> peers;
    private final Predicate<Socket> peerCheck;
    private final TunnelStreamOpener opener;
    private final Duration acceptTimeout;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread main;
    private volatile Thread up;
    private volatile Socket accepted;
    private volatile TunnelStream stream;
    private volatile String failure;
    private volatile boolean closed;

    private OneShotSplice(String name, ServerSocket listener, Set<InetAddress> peers, Predicate<Socket> peerCheck,
            TunnelStreamOpener opener, Duration acceptTimeout, Runnable onEnd) {
        this.name = name;
        this.listener = listener;
        this.peers = peers;
        this.peerCheck = peerCheck;
        this.opener = opener;
        this.acceptTimeout = acceptTimeout;
        this.onEnd = onEnd;
        this.main = new Thread(this::acceptAndCopy, "gangway-desktop-" + name + "-splice");
        this.main.setDaemon(true);
    }

    /**
     * Binds an ephemeral port on {@code bindAddress} and starts waiting for the one connection.
     *
     * @param name short name for threads and logs (the session id and the engine)
     * @param bindAddress where to listen: loopback for xfreerdp, an address guacd can reach for guacd
     * @param peers the addresses the engine connects from; a connection from any other is refused
     * @param opener opens the session's stream through the device tunnel, once the engine connected
     * @param acceptTimeout how long to wait for the engine
     * @param onEnd runs once when the splice ended (or never connected), after everything was released
     * @throws IOException when the port cannot be bound
     */
    public static OneShotSplice open(String name, InetAddress bindAddress, Set<InetAddress> peers,
            TunnelStreamOpener opener, Duration acceptTimeout, Runnable onEnd) throws IOException {
        return open(name, bindAddress, peers, socket -> true, opener, acceptTimeout, onEnd);
    }

    private static OneShotSplice open(String name, InetAddress bindAddress, Set<InetAddress> peers,
            Predicate<Socket> peerCheck, TunnelStreamOpener opener, Duration acceptTimeout, Runnable onEnd)
            throws IOException {
        Objects.requireNonNull(opener, "opener");
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no peer address the splice would accept");
        }
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(bindAddress, 0), 1);
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + bindAddress.getHostAddress() + " for the desktop engine: "
                    + e.getMessage(), e);
        }
        OneShotSplice splice = new OneShotSplice(name, listener, Set.copyOf(peers), peerCheck, opener,
                acceptTimeout, onEnd == null ? () -> { } : onEnd);
        splice.main.start();
        return splice;
    }

    /** A splice on 127.0.0.1 accepting any local process (for tests and engines whose process is not known). */
    public static OneShotSplice loopback(String name, TunnelStreamOpener opener, Duration acceptTimeout,
            Runnable onEnd) throws IOException {
        return loopback(name, opener, acceptTimeout, onEnd, null);
    }

    /**
     * A splice on 127.0.0.1 that accepts only the connection of the engine's process (xfreerdp, or bwrap with xfreerdp
     * inside) or one of its descendants, recognised through
     * {@code /proc} on Linux ({@link LoopbackPeer}); elsewhere any local connection.
     *
     * @param enginePid the engine's pid once it is started (0 before: the check then waits up to 2 s for it), or
     *     null for no process check
     */
    static OneShotSplice loopback(String name, TunnelStreamOpener opener, Duration acceptTimeout, Runnable onEnd,
            LongSupplier enginePid) throws IOException {
        InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        Predicate<Socket> check = enginePid == null || !LoopbackPeer.supported() ? socket -> true
                : socket -> LoopbackPeer.ownedByTree(socket, awaitPid(enginePid));
        return open(name, loopback, Set.of(loopback), check, opener, acceptTimeout, onEnd);
    }

    private static long awaitPid(LongSupplier enginePid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long pid;
        while ((pid = enginePid.getAsLong()) <= 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return pid;
    }

    /** The port the engine connects to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The address the listener is bound to. */
    public InetAddress address() {
        return listener.getInetAddress();
    }

    /** Why the splice never carried bytes (no connection in time, the opener failed), or null. */
    public String failure() {
        return failure;
    }

    /** Whether the tunnel stream was opened (the engine connected and the device answered). */
    public boolean spliced() {
        return stream != null;
    }

    private void acceptAndCopy() {
        try {
            Socket socket = acceptExpected();
            if (socket == null) {
                return;
            }
            TunnelStream opened;
            try {
                opened = opener.open();
            } catch (IOException e) {
                fail(e.getMessage() == null ? "the desktop service could not be reached" : e.getMessage());
                return;
            } catch (RuntimeException e) {
                log.warn("desktop splice {}: the tunnel opener failed", name, e);
                fail("the desktop service could not be reached (internal error)");
                return;
            }
            stream = opened;
            if (closed) {
                return;
            }
            Thread upThread = new Thread(() -> copy(socketInput(socket), opened.output()),
                    "gangway-desktop-" + name + "-splice-up");
            upThread.setDaemon(true);
            up = upThread;
            upThread.start();
            copy(opened.input(), socketOutput(socket));
        } finally {
            end();
        }
    }

    private Socket acceptExpected() {
        long deadline = System.nanoTime() + acceptTimeout.toNanos();
        try (ServerSocket l = listener) {
            while (!closed) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (deadline - System.nanoTime() <= 0) {
                    fail("the desktop engine (" + name + ") did not connect to the portal in time");
                    return null;
                }
                l.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                Socket socket;
                try {
                    socket = l.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (!peers.contains(socket.getInetAddress())) {
                    log.warn("desktop splice {}: refused a connection from {} (expected {})", name,
                            socket.getInetAddress().getHostAddress(), peers);
                    closeQuietly(socket);
                    continue;
                }
                if (!peerCheck.test(socket)) {
                    log.warn("desktop splice {}: refused a connection from port {} of another local process", name,
                            socket.getPort());
                    closeQuietly(socket);
                    continue;
                }
                socket.setTcpNoDelay(true);
                accepted = socket;
                if (closed) {
                    return null;
                }
                return socket;
            }
            return null;
        } catch (IOException e) {
            if (!closed) {
                fail("the desktop engine's connection failed: " + e.getMessage());
            }
            return null;
        }
    }

    private static InputStream socketInput(Socket socket) {
        try {
            return socket.getInputStream();
        } catch (IOException e) {
            return InputStream.nullInputStream();
        }
    }

    private static OutputStream socketOutput(Socket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            return OutputStream.nullOutputStream();
        }
    }

    /** Copies until end of stream or an error, then closes both sides (which ends the other direction too). */
    private void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[BUFFER];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("desktop splice {}: {}", name, e.toString());
            }
        } finally {
            releaseStreams();
        }
    }

    private void fail(String message) {
        if (failure == null && !closed) {
            failure = message;
        }
        log.info("desktop splice {}: {}", name, message);
    }

    private void releaseStreams() {
        closeQuietly(listener);
        Socket socket = accepted;
        if (socket != null) {
            closeQuietly(socket);
        }
        TunnelStream s = stream;
        if (s != null) {
            s.close();
        }
    }

    private void end() {
        releaseStreams();
        Thread u = up;
        if (u != null && u != Thread.currentThread()) {
            joinQuietly(u);
        }
        if (ended.compareAndSet(false, true)) {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                log.warn("desktop splice {}: end callback failed", name, e);
            }
        }
    }

    /** Closes the listener, the engine's connection and the tunnel stream, and waits for the threads. */
    @Override
    public void close() {
        closed = true;
        releaseStreams();
        if (main.isAlive() && main != Thread.currentThread()) {
            main.interrupt();
            joinQuietly(main);
            if (main.isAlive()) {
                log.warn("desktop splice {}: its thread is still in the tunnel opener; it ends when that returns",
                        name);
            }
        }
        Thread u = up;
        if (u != null && u != Thread.currentThread()) {
            joinQuietly(u);
        }
        // a stream opened after close() by a still-running opener is closed by the main thread itself
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
