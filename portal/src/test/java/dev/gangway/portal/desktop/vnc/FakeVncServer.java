package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntBinaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A scripted VNC server on loopback for the converter's tests: RFB 3.8 with security None or VNC password, a
 * {@code width × height} screen whose true pixels it keeps ({@link #truth}), and updates the test queues with
 * {@link #push}: each is sent only in answer to a FramebufferUpdateRequest, as a real server does, so the tests see
 * the converter's pacing. Records every client message. One connection at a time; {@link #close} ends everything.
 */
final class FakeVncServer implements AutoCloseable {

    private final ServerSocket listener;
    private final String password;
    private final Thread acceptor;
    private volatile Socket connection;
    private OutputStream out;
    private final Deque<byte[]> queued = new ArrayDeque<>();
    private int unanswered;
    private int width;
    private int height;
    private int[] truth;

    final List<Boolean> requests = new CopyOnWriteArrayList<>(); // incremental flag of each request
    final List<String> keys = new CopyOnWriteArrayList<>(); // "keysym down"
    final List<String> pointer = new CopyOnWriteArrayList<>(); // "x,y mask"
    final List<String> cutTexts = new CopyOnWriteArrayList<>();
    final List<String> desktopSizes = new CopyOnWriteArrayList<>(); // "WxH" of each SetDesktopSize
    final AtomicLong connections = new AtomicLong();
    volatile String authFailureReason = "Authentication failure";
    volatile Throwable failure;

    FakeVncServer(int width, int height, String password) throws IOException {
        this.width = width;
        this.height = height;
        this.truth = new int[width * height];
        Arrays.fill(truth, 0xFF000000);
        this.password = password;
        this.listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::serve, "fake-vnc-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An opener connecting to this server, as the device tunnel would. */
    TunnelStreamOpener opener() {
        return () -> SocketTunnelStream.over(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
    }

    private void serve() {
        try {
            while (true) {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                connection = socket;
                try {
                    session(socket);
                } catch (EOFException | java.net.SocketException closed) {
                    // the client went away
                } catch (Exception e) {
                    failure = e;
                } finally {
                    socket.close();
                }
            }
        } catch (IOException e) {
            // the listener closed
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void session(Socket socket) throws Exception {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        synchronized (this) {
            out = socket.getOutputStream();
            unanswered = 0;
        }
        write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        in.readFully(new byte[12]);
        write(new byte[] {1, (byte) (password == null ? 1 : 2)});
        in.readUnsignedByte();
        if (password != null) {
            byte[] challenge = new byte[16];
            for (int i = 0; i < 16; i++) {
                challenge[i] = (byte) (i * 17 + 3);
            }
            write(challenge);
            byte[] response = new byte[16];
            in.readFully(response);
            if (!Arrays.equals(response, desResponse(challenge, password))) {
                byte[] reason = authFailureReason.getBytes(StandardCharsets.US_ASCII);
                write(new Bytes().u32(1).u32(reason.length).raw(reason).toArray());
                return;
            }
        }
        write(new Bytes().u32(0).toArray());
        in.readUnsignedByte(); // ClientInit
        byte[] name = "fake".getBytes(StandardCharsets.US_ASCII);
        synchronized (this) {
            write(new Bytes().u16(width).u16(height).u8(32, 24, 0, 1).u16(255).u16(255).u16(255).u8(16, 8, 0, 0, 0, 0)
                    .u32(name.length).raw(name).toArray());
        }
        while (true) {
            int type = in.readUnsignedByte();
            switch (type) {
                case 0 -> in.readFully(new byte[19]);
                case 2 -> {
                    in.readUnsignedByte();
                    int n = in.readUnsignedShort();
                    in.readFully(new byte[4 * n]);
                }
                case 3 -> {
                    boolean incremental = in.readUnsignedByte() != 0;
                    in.readFully(new byte[8]);
                    requests.add(incremental);
                    synchronized (this) {
                        if (queued.isEmpty()) {
                            unanswered++;
                        } else {
                            write(queued.removeFirst());
                        }
                    }
                }
                case 4 -> {
                    boolean down = in.readUnsignedByte() != 0;
                    in.readUnsignedShort();
                    keys.add(Integer.toHexString(in.readInt()) + (down ? " down" : " up"));
                }
                case 5 -> {
                    int mask = in.readUnsignedByte();
                    int x = in.readUnsignedShort();
                    int y = in.readUnsignedShort();
                    pointer.add(x + "," + y + " " + mask);
                }
                case 6 -> {
                    in.readFully(new byte[3]);
                    byte[] text = new byte[in.readInt()];
                    in.readFully(text);
                    cutTexts.add(new String(text, StandardCharsets.ISO_8859_1));
                }
                case 251 -> {
                    in.readUnsignedByte();
                    int w = in.readUnsignedShort();
                    int h = in.readUnsignedShort();
                    int screens = in.readUnsignedByte();
                    in.readFully(new byte[1 + 16 * screens]);
                    desktopSizes.add(w + "x" + h);
                }
                default -> throw new IOException("unknown client message " + type);
            }
        }
    }

    private synchronized void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends bytes now, outside any update (ServerCutText, garbage). */
    synchronized void sendNow(byte[] bytes) throws IOException {
        write(bytes);
    }

    /** Sends a ServerCutText now. */
    void cutText(String text) throws IOException {
        byte[] latin1 = text.getBytes(StandardCharsets.ISO_8859_1);
        sendNow(new Bytes().u8(3, 0, 0, 0).u32(latin1.length).raw(latin1).toArray());
    }

    /** Closes the current connection from the server's side. */
    void dropConnection() throws IOException {
        Socket s = connection;
        if (s != null) {
            s.close();
        }
    }

    /** Starts an update; {@link Update#push} queues it. */
    Update update() {
        return new Update();
    }

    synchronized int[] truth() {
        return truth.clone();
    }

    synchronized int width() {
        return width;
    }

    /** One FramebufferUpdate being built; applies its changes to {@link #truth} when pushed, in order. */
    final class Update {
        private final Bytes body = new Bytes();
        private final List<Runnable> effects = new ArrayList<>();
        private int rectangles;

        /** A Raw rectangle whose pixel at (x, y) (screen coordinates) is {@code colour.applyAsInt(x, y)}. */
        Update raw(int x, int y, int w, int h, IntBinaryOperator colour) {
            rectangles++;
            body.u16(x).u16(y).u16(w).u16(h).u32(0);
            int[] pixels = new int[w * h];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int rgb = colour.applyAsInt(x + c, y + r);
                    pixels[r * w + c] = 0xFF000000 | rgb;
                    body.u8(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF, 0);
                }
            }
            effects.add(() -> {
                for (int r = 0; r < h; r++) {
                    System.arraycopy(pixels, r * w, truth, (y + r) * width + x, w);
                }
            });
            return this;
        }

        Update fill(int x, int y, int w, int h, int rgb) {
            return raw(x, y, w, h, (px, py) -> rgb);
        }

        Update copy(int srcX, int srcY, int x, int y, int w, int h) {
            rectangles++;
            body.u16(x).u16(y).u16(w).u16(h).u32(1).u16(srcX).u16(srcY);
            effects.add(() -> {
                int[] tmp = new int[w * h];
                for (int r = 0; r < h; r++) {
                    System.arraycopy(truth, (srcY + r) * width + srcX, tmp, r * w, w);
                }
                for (int r = 0; r < h; r++) {
                    System.arraycopy(tmp, r * w, truth, (y + r) * width + x, w);
                }
            });
            return this;
        }

        /** A cursor of {@code w × h}: {@code argb} alpha 0 is transparent (mask bit 0), anything else shown. */
        Update cursor(int hotX, int hotY, int w, int h, int[] argb) {
            rectangles++;
            body.u16(hotX).u16(hotY).u16(w).u16(h).u32(-239);
            for (int p : argb) {
                body.u8(p & 0xFF, (p >> 8) & 0xFF, (p >> 16) & 0xFF, 0);
            }
            int maskRow = (w + 7) / 8;
            for (int y = 0; y < h; y++) {
                byte[] row = new byte[maskRow];
                for (int x = 0; x < w; x++) {
                    if ((argb[y * w + x] >>> 24) != 0) {
                        row[x / 8] |= (byte) (0x80 >> (x % 8));
                    }
                }
                body.raw(row);
            }
            return this;
        }

        Update desktopSize(int w, int h) {
            rectangles++;
            body.u16(0).u16(0).u16(w).u16(h).u32(-223);
            effects.add(() -> {
                int[] next = new int[w * h];
                Arrays.fill(next, 0xFF000000);
                for (int r = 0; r < Math.min(height, h); r++) {
                    System.arraycopy(truth, r * width, next, r * w, Math.min(width, w));
                }
                truth = next;
                width = w;
                height = h;
            });
            return this;
        }

        /** An ExtendedDesktopSize rectangle with the current size and one screen: "this server can resize". */
        Update screenLayout() {
            return extendedDesktopSize(0, 0);
        }

        /** The answer to the client's SetDesktopSize: refused with {@code status} (1 to 3), the size unchanged. */
        Update desktopSizeRefused(int status) {
            return extendedDesktopSize(1, status);
        }

        private Update extendedDesktopSize(int reason, int status) {
            rectangles++;
            synchronized (FakeVncServer.this) {
                body.u16(reason).u16(status).u16(width).u16(height).u32(-308).u8(1, 0, 0, 0).u32(1).u16(0).u16(0)
                        .u16(width).u16(height).u32(0);
            }
            return this;
        }

        /** Queues the update: sent now if a request waits, else at the next request. */
        void push() throws IOException {
            byte[] bytes = new Bytes().u8(0, 0).u16(rectangles).raw(body.toArray()).toArray();
            synchronized (FakeVncServer.this) {
                effects.forEach(Runnable::run);
                if (unanswered > 0) {
                    unanswered--;
                    write(bytes);
                } else {
                    queued.add(bytes);
                }
            }
        }
    }

    /** The VNC Authentication response: DES/ECB of the challenge under the password with mirrored key bits. */
    static byte[] desResponse(byte[] challenge, String password) throws Exception {
        byte[] key = Arrays.copyOf(password.getBytes(StandardCharsets.UTF_8), 8);
        for (int i = 0; i < 8; i++) {
            key[i] = (byte) (Integer.reverse(key[i] & 0xFF) >>> 24);
        }
        Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
        return des.doFinal(challenge);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        dropConnection();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Big-endian bytes. */
    static final class Bytes {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Bytes u8(int... values) {
            for (int v : values) {
                b.write(v);
            }
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8 & 0xFF, v & 0xFF);
        }

        Bytes u32(int v) {
            return u16(v >>> 16).u16(v & 0xFFFF);
        }

        Bytes raw(byte[] bytes) {
            b.writeBytes(bytes);
            return this;
        }

        byte[] toArray() {
            return b.toByteArray();
        }
    }

}
