package dev.gangway.agent.demohmi;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo machine's operator panel as a VNC server, so a newcomer can try the remote desktop without a real panel:
 * RFB 3.3/3.7/3.8, security None, Raw encoding, 800×480, at most {@value #MAX_VIEWERS} viewers at a time, all
 * seeing and operating the same panel ({@link PanelState}). Clicking the button starts and stops the machine, typing
 * fills the message field, clipboard text sent by a viewer is shown.
 *
 * <p>Threads: one accepting thread, and per viewer a reading thread and a drawing thread that answers update
 * requests with the 32×32 tiles that changed (waiting up to a second for a change when the request is incremental,
 * the gauges move every second). A viewer that sends anything the protocol does not allow is disconnected.
 */
public final class DemoVncServer implements AutoCloseable {

    static final int MAX_VIEWERS = 4;
    private static final int TILE = 32;
    private static final int MAX_CUT_TEXT = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(DemoVncServer.class);

    private final ServerSocket server;
    private final PanelState state = new PanelState();
    private final PanelPainter painter;
    private final Set<Socket> viewers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private final Thread acceptor;

    private DemoVncServer(ServerSocket server, Clock clock) {
        this.server = server;
        this.painter = new PanelPainter(clock);
        this.acceptor = new Thread(this::acceptLoop, "demo-vnc-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code host:port} (0 = a free port) and starts serving. */
    public static DemoVncServer start(String host, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        DemoVncServer server = new DemoVncServer(socket, Clock.systemUTC());
        server.acceptor.start();
        return server;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    PanelState state() {
        return state;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the demo VNC listener: {}", e.getMessage());
        }
        viewers.forEach(DemoVncServer::closeQuietly);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            if (viewers.size() >= MAX_VIEWERS) {
                log.info("demo VNC: refusing a viewer from {}: {} are connected", socket.getRemoteSocketAddress(),
                        MAX_VIEWERS);
                refuse(socket);
                continue;
            }
            viewers.add(socket);
            Thread thread = new Thread(() -> serve(socket), "demo-vnc-" + counter.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        Viewer viewer = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(0);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 65536));
            viewer = new Viewer(out);
            handshake(in, out);
            viewer.startDrawing(Thread.currentThread().getName() + "-draw");
            readLoop(in, viewer);
        } catch (EOFException | SocketException e) {
            log.debug("demo VNC viewer {} left: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            log.info("demo VNC viewer {} disconnected: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            viewers.remove(socket);
            if (viewer != null) {
                viewer.stop();
            }
        }
    }

    private static void handshake(DataInputStream in, DataOutputStream out) throws IOException {
        out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] version = new byte[12];
        in.readFully(version);
        String text = new String(version, StandardCharsets.US_ASCII);
        if (!text.matches("RFB 003\\.00[378]\n")) {
            throw new IOException("not an RFB 3.3/3.7/3.8 client: " + text.strip());
        }
        int minor = text.charAt(10) - '0';
        if (minor == 3) {
            out.writeInt(1);
        } else {
            out.writeByte(1);
            out.writeByte(1);
            out.flush();
            int chosen = in.readUnsignedByte();
            if (chosen != 1) {
                throw new IOException("the viewer chose security type " + chosen + "; only None (1) is offered");
            }
            if (minor == 8) {
                out.writeInt(0);
            }
        }
        out.flush();
        in.readUnsignedByte(); // ClientInit: shared or not, every viewer shares the panel anyway
        out.writeShort(PanelPainter.WIDTH);
        out.writeShort(PanelPainter.HEIGHT);
        PixelLayout.DEFAULT.write(out);
        byte[] name = "Gangway demo panel".getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        out.flush();
    }

    private void readLoop(DataInputStream in, Viewer viewer) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            switch (type) {
                case 0 -> {
                    in.skipNBytes(3);
                    byte[] format = new byte[16];
                    in.readFully(format);
                    viewer.layout(PixelLayout.parse(format));
                }
                case 2 -> {
                    in.skipNBytes(1);
                    int count = in.readUnsignedShort();
                    in.skipNBytes(4L * count); // only Raw is ever sent, which every viewer understands
                }
                case 3 -> {
                    boolean incremental = in.readUnsignedByte() != 0;
                    in.skipNBytes(8); // the whole panel is always considered
                    viewer.request(incremental);
                }
                case 4 -> {
                    boolean down = in.readUnsignedByte() != 0;
                    in.skipNBytes(2);
                    int keysym = in.readInt();
                    if (down) {
                        state.key(keysym);
                    }
                }
                case 5 -> {
                    int buttons = in.readUnsignedByte();
                    int x = in.readUnsignedShort();
                    int y = in.readUnsignedShort();
                    viewer.pointer(buttons, x, y);
                }
                case 6 -> {
                    in.skipNBytes(3);
                    long length = in.readInt() & 0xFFFFFFFFL;
                    if (length > MAX_CUT_TEXT) {
                        throw new IOException("clipboard text of " + length + " bytes (limit " + MAX_CUT_TEXT + ")");
                    }
                    byte[] text = in.readNBytes((int) length);
                    state.clipboard(new String(text, StandardCharsets.ISO_8859_1));
                }
                default -> throw new IOException("unknown RFB message type " + type);
            }
        }
    }

    private static void refuse(Socket socket) {
        try (socket) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(0);
            byte[] reason = ("the demo panel has " + MAX_VIEWERS + " viewers already").getBytes(
                    StandardCharsets.US_ASCII);
            out.writeInt(reason.length);
            out.write(reason);
            out.flush();
        } catch (IOException e) {
            log.debug("refusing a demo VNC viewer: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a demo VNC viewer: {}", e.getMessage());
        }
    }

    /** One connected viewer: its pixel layout, its pending update request and what it has been sent. */
    private final class Viewer {

        private final DataOutputStream out;
        private final BufferedImage frame = new BufferedImage(PanelPainter.WIDTH, PanelPainter.HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        private int[] sent;
        private PixelLayout layout = PixelLayout.DEFAULT;
        private boolean requested;
        private boolean fullRequested;
        private boolean stopped;
        private int lastButtons;
        private Thread drawer;

        Viewer(DataOutputStream out) {
            this.out = out;
        }

        void startDrawing(String name) {
            drawer = new Thread(this::drawLoop, name);
            drawer.setDaemon(true);
            drawer.start();
        }

        synchronized void layout(PixelLayout newLayout) {
            layout = newLayout;
            sent = null;
        }

        synchronized void request(boolean incremental) {
            requested = true;
            fullRequested |= !incremental;
            notifyAll();
        }

        void pointer(int buttons, int x, int y) {
            boolean pressed = (buttons & 1) != 0 && (lastButtons & 1) == 0;
            lastButtons = buttons;
            if (pressed && PanelPainter.BUTTON.contains(x, y)) {
                state.toggleRunning();
            }
        }

        void stop() {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            if (drawer != null) {
                drawer.interrupt();
            }
        }

        private void drawLoop() {
            try {
                while (true) {
                    int[] base;
                    PixelLayout format;
                    synchronized (this) {
                        while (!requested && !stopped) {
                            wait();
                        }
                        if (stopped) {
                            return;
                        }
                        base = fullRequested ? null : sent;
                        format = layout;
                        requested = false;
                        fullRequested = false;
                    }
                    sendUpdate(base, format);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                log.debug("demo VNC: sending to a viewer failed: {}", e.getMessage());
            }
        }

        private void sendUpdate(int[] base, PixelLayout format) throws IOException, InterruptedException {
            List<int[]> tiles;
            int[] pixels;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (true) {
                long version = state.version();
                painter.paint(frame, state);
                pixels = frame.getRGB(0, 0, PanelPainter.WIDTH, PanelPainter.HEIGHT, null, 0, PanelPainter.WIDTH);
                tiles = base == null ? List.of(new int[] {0, 0, PanelPainter.WIDTH, PanelPainter.HEIGHT})
                        : changed(base, pixels);
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (!tiles.isEmpty() || left <= 0) {
                    break;
                }
                state.awaitChange(version, Math.min(left, 250));
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
            }
            out.writeByte(0);
            out.writeByte(0);
            out.writeShort(tiles.size());
            for (int[] tile : tiles) {
                out.writeShort(tile[0]);
                out.writeShort(tile[1]);
                out.writeShort(tile[2]);
                out.writeShort(tile[3]);
                out.writeInt(0); // Raw
                byte[] row = new byte[tile[2] * 4];
                for (int y = tile[1]; y < tile[1] + tile[3]; y++) {
                    for (int x = 0; x < tile[2]; x++) {
                        format.put(row, x * 4, pixels[y * PanelPainter.WIDTH + tile[0] + x]);
                    }
                    out.write(row);
                }
            }
            out.flush();
            synchronized (this) {
                sent = pixels;
            }
        }

        /** The 32×32 tiles whose pixels differ from {@code base}, what this viewer was sent last. */
        private List<int[]> changed(int[] base, int[] pixels) {
            List<int[]> tiles = new ArrayList<>();
            for (int ty = 0; ty < PanelPainter.HEIGHT; ty += TILE) {
                for (int tx = 0; tx < PanelPainter.WIDTH; tx += TILE) {
                    int w = Math.min(TILE, PanelPainter.WIDTH - tx);
                    int h = Math.min(TILE, PanelPainter.HEIGHT - ty);
                    if (differs(base, pixels, tx, ty, w, h)) {
                        tiles.add(new int[] {tx, ty, w, h});
                    }
                }
            }
            return tiles;
        }

        private static boolean differs(int[] base, int[] pixels, int tx, int ty, int w, int h) {
            for (int y = ty; y < ty + h; y++) {
                int from = y * PanelPainter.WIDTH + tx;
                if (!Arrays.equals(pixels, from, from + w, base, from, from + w)) {
                    return true;
                }
            }
            return false;
        }
    }
}
