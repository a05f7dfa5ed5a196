package dev.gangway.bench;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * The Guacamole path's browser: the portal's embedded VNC converter (a {@link DesktopSession} on the bench's tunnel)
 * sends its instructions here, as it would to the WebSocket; a drawing thread parses them, decodes every
 * {@code img} stream (PNG/JPEG via ImageIO) into its layer, applies {@code copy}, {@code rect}/{@code cfill} and
 * {@code size}, and answers each {@code sync} only after everything before it was drawn, as guacamole-common-js
 * does; that answer is what paces the converter. Key and pointer input go to {@link DesktopSession#receive} as the
 * browser's {@code key} and {@code mouse} instructions.
 *
 * <p>Threads: the session's {@code run} on one thread ({@code bench-guac-session}), drawing on another
 * ({@code bench-guac-draw}); {@link #close} ends both.
 */
final class GuacViewer extends DesktopViewer {

    private static final String STOP = "\u0000stop";

    private final DesktopSession session;
    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final AtomicReference<SocketTunnelStream> stream = new AtomicReference<>();
    private final Map<Integer, BufferedImage> layers = new HashMap<>();
    private final Map<Integer, List<Rectangle>> paths = new HashMap<>();
    private final Map<Integer, ImageStream> streams = new HashMap<>();
    private final Map<String, Integer> unhandled = new TreeMap<>();
    private final Thread sessionThread;
    private final Thread drawThread;
    private final StringBuilder pending = new StringBuilder();
    private long drawnSinceSync;
    private long syncs;
    private long imageBytes;
    private long images;
    private long copies;
    private long jpegs;

    private GuacViewer(DesktopConverter converter, int forwarderPort) {
        TunnelStreamOpener opener = () -> {
            SocketTunnelStream s = DesktopTunnel.connectForwarder(forwarderPort);
            stream.set(s);
            return s;
        };
        DesktopRequest request = new DesktopRequest(UUID.randomUUID().toString(), "bench", "vnc", "bench",
                "127.0.0.1:" + forwarderPort, false, DesktopCredentials.NONE, DesktopScreen.WIDTH,
                DesktopScreen.HEIGHT, 96, opener);
        this.session = converter.open(request);
        this.drawThread = new Thread(this::drawLoop, "bench-guac-draw");
        this.sessionThread = new Thread(() -> {
            DesktopEnd end;
            try {
                end = session.run(this::receiveFromServer);
            } catch (RuntimeException e) {
                end = null;
                ended.compareAndSet(null, "the session threw " + e);
            }
            if (end != null) {
                ended.compareAndSet(null, end.status() + ": " + end.message());
            }
            inbox.add(STOP);
        }, "bench-guac-session");
    }

    static GuacViewer start(DesktopConverter converter, int forwarderPort) {
        GuacViewer viewer = new GuacViewer(converter, forwarderPort);
        viewer.drawThread.start();
        viewer.sessionThread.start();
        return viewer;
    }

    @Override
    String name() {
        return "guac";
    }

    /** The sink: what the WebSocket would carry to the browser. */
    private void receiveFromServer(String instructions) {
        long n = instructions.length();
        for (int i = 0; i < instructions.length(); i++) {
            char c = instructions.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        bytes.addAndGet(n);
        messages.incrementAndGet();
        inbox.add(instructions);
    }

    @Override
    void key(int keysym, boolean down) {
        session.receive(new GuacamoleInstruction("key", Integer.toString(keysym), down ? "1" : "0"));
    }

    @Override
    void pointer(int x, int y) {
        session.receive(new GuacamoleInstruction("mouse", Integer.toString(x), Integer.toString(y), "0"));
    }

    @Override
    int[] region(int x, int y, int w, int h) {
        synchronized (layers) {
            BufferedImage image = layers.get(0);
            int[] out = new int[w * h];
            if (image == null) {
                return out;
            }
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    int px = x + col;
                    int py = y + row;
                    out[row * w + col] = px < image.getWidth() && py < image.getHeight()
                            ? image.getRGB(px, py) & 0xFFFFFF : 0;
                }
            }
            return out;
        }
    }

    @Override
    long bytesFromDevice() {
        SocketTunnelStream s = stream.get();
        return s == null ? 0 : s.bytesFromDevice();
    }

    @Override
    long bytesToDevice() {
        SocketTunnelStream s = stream.get();
        return s == null ? 0 : s.bytesToDevice();
    }

    @Override
    long bytesToBrowser() {
        return bytes.get();
    }

    @Override
    long messagesToBrowser() {
        return messages.get();
    }

    @Override
    String ended() {
        return ended.get();
    }

    /** What the converter drew with, for the report: images (and how many JPEG), their bytes, copies, syncs. */
    synchronized String drawingSummary() {
        return "syncs " + syncs + ", images " + images + " (" + jpegs + " JPEG, " + imageBytes + " B decoded), copies "
                + copies + (unhandled.isEmpty() ? "" : ", ignored " + unhandled);
    }

    private void drawLoop() {
        try {
            while (true) {
                String chunk = inbox.take();
                if (chunk == STOP) {
                    return;
                }
                pending.append(chunk);
                parse();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            ended.compareAndSet(null, "the browser could not draw: " + e);
            session.close(new DesktopEnd(org.apache.guacamole.protocol.GuacamoleStatus.CLIENT_BAD_REQUEST,
                    "the bench browser failed"));
        }
    }

    /** Parses every complete instruction in {@code pending} ({@code LENGTH.VALUE,...;}, lengths in code points). */
    private void parse() throws IOException {
        int start = 0;
        List<String> elements = new ArrayList<>();
        int at = 0;
        while (at < pending.length()) {
            int dot = pending.indexOf(".", at);
            if (dot < 0) {
                break;
            }
            int length = Integer.parseInt(pending, at, dot, 10);
            int valueStart = dot + 1;
            int valueEnd;
            try {
                valueEnd = pending.offsetByCodePoints(valueStart, length);
            } catch (IndexOutOfBoundsException incomplete) {
                break;
            }
            if (valueEnd >= pending.length()) {
                break;
            }
            elements.add(pending.substring(valueStart, valueEnd));
            char terminator = pending.charAt(valueEnd);
            at = valueEnd + 1;
            if (terminator == ';') {
                apply(elements);
                elements = new ArrayList<>();
                start = at;
            } else if (terminator != ',') {
                throw new IOException("bad Guacamole element terminator '" + terminator + "'");
            }
        }
        pending.delete(0, start);
    }

    private synchronized void apply(List<String> in) throws IOException {
        String op = in.get(0);
        switch (op) {
            case "sync" -> {
                syncs++;
                session.receive(new GuacamoleInstruction("sync", in.get(1)));
                if (drawnSinceSync > 0) {
                    drawnSinceSync = 0;
                    frameDrawn();
                }
            }
            case "size" -> {
                int layer = Integer.parseInt(in.get(1));
                resize(layer, Integer.parseInt(in.get(2)), Integer.parseInt(in.get(3)));
                drawnSinceSync++;
            }
            case "img" -> streams.put(Integer.parseInt(in.get(1)), new ImageStream(Integer.parseInt(in.get(2)),
                    Integer.parseInt(in.get(3)), in.get(4), Integer.parseInt(in.get(5)), Integer.parseInt(in.get(6))));
            case "blob" -> {
                ImageStream s = streams.get(Integer.parseInt(in.get(1)));
                if (s != null) {
                    byte[] data = Base64.getDecoder().decode(in.get(2));
                    s.data.write(data, 0, data.length);
                }
            }
            case "end" -> {
                ImageStream s = streams.remove(Integer.parseInt(in.get(1)));
                if (s != null) {
                    draw(s);
                    drawnSinceSync++;
                }
            }
            case "copy" -> {
                copy(Integer.parseInt(in.get(1)), Integer.parseInt(in.get(2)), Integer.parseInt(in.get(3)),
                        Integer.parseInt(in.get(4)), Integer.parseInt(in.get(5)), Integer.parseInt(in.get(7)),
                        Integer.parseInt(in.get(8)), Integer.parseInt(in.get(9)));
                copies++;
                drawnSinceSync++;
            }
            case "rect" -> paths.computeIfAbsent(Integer.parseInt(in.get(1)), k -> new ArrayList<>())
                    .add(new Rectangle(Integer.parseInt(in.get(2)), Integer.parseInt(in.get(3)),
                            Integer.parseInt(in.get(4)), Integer.parseInt(in.get(5))));
            case "cfill" -> {
                int layer = Integer.parseInt(in.get(2));
                List<Rectangle> path = paths.remove(layer);
                if (path != null) {
                    Color colour = new Color(Integer.parseInt(in.get(3)), Integer.parseInt(in.get(4)),
                            Integer.parseInt(in.get(5)), Integer.parseInt(in.get(6)));
                    synchronized (layers) {
                        Graphics2D g = layer(layer).createGraphics();
                        g.setComposite(composite(Integer.parseInt(in.get(1))));
                        g.setColor(colour);
                        for (Rectangle r : path) {
                            g.fill(r);
                        }
                        g.dispose();
                    }
                    drawnSinceSync++;
                }
            }
            case "error" -> ended.compareAndSet(null, "error " + (in.size() > 2 ? in.get(2) : "") + ": "
                    + (in.size() > 1 ? in.get(1) : ""));
            case "disconnect" -> ended.compareAndSet(null, "disconnect");
            case "" -> {
                // internal instruction (tunnel UUID, ping): nothing to draw
            }
            // cursor (drawn by the browser over the display: not part of the picture), clipboard, name, ...
            default -> unhandled.merge(op, 1, Integer::sum);
        }
    }

    private void draw(ImageStream s) throws IOException {
        byte[] data = s.data.toByteArray();
        images++;
        imageBytes += data.length;
        if (s.mimetype.contains("jpeg")) {
            jpegs++;
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
        if (image == null) {
            throw new IOException("cannot decode an " + s.mimetype + " image of " + data.length + " bytes");
        }
        synchronized (layers) {
            BufferedImage target = layer(s.layer);
            if (s.layer < 0) {
                target = grow(s.layer, s.x + image.getWidth(), s.y + image.getHeight());
            }
            Graphics2D g = target.createGraphics();
            g.setComposite(composite(s.mask));
            g.drawImage(image, s.x, s.y, null);
            g.dispose();
        }
    }

    /** Guacamole's channel masks as far as the converter uses them: 12 src, 14 over, 2 rout (clear). */
    private static AlphaComposite composite(int mask) {
        return switch (mask) {
            case 12 -> AlphaComposite.Src;
            case 2 -> AlphaComposite.Clear;
            default -> AlphaComposite.SrcOver;
        };
    }

    private void copy(int srcLayer, int sx, int sy, int w, int h, int dstLayer, int dx, int dy) {
        synchronized (layers) {
            BufferedImage src = layer(srcLayer);
            BufferedImage dst = layer(dstLayer);
            int x0 = Math.max(0, Math.max(sx, sx - dx));
            int y0 = Math.max(0, Math.max(sy, sy - dy));
            int x1 = Math.min(src.getWidth(), Math.min(sx + w, sx + dst.getWidth() - dx));
            int y1 = Math.min(src.getHeight(), Math.min(sy + h, sy + dst.getHeight() - dy));
            if (x1 <= x0 || y1 <= y0) {
                return;
            }
            int cw = x1 - x0;
            int ch = y1 - y0;
            int[] pixels = src.getRGB(x0, y0, cw, ch, null, 0, cw);
            dst.setRGB(x0 + dx - sx, y0 + dy - sy, cw, ch, pixels, 0, cw);
        }
    }

    private void resize(int layer, int w, int h) {
        synchronized (layers) {
            BufferedImage old = layers.get(layer);
            BufferedImage next = new BufferedImage(Math.max(1, w), Math.max(1, h),
                    layer == 0 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
            if (old != null) {
                Graphics2D g = next.createGraphics();
                g.setComposite(AlphaComposite.Src);
                g.drawImage(old, 0, 0, null);
                g.dispose();
            }
            layers.put(layer, next);
        }
    }

    private BufferedImage layer(int index) {
        BufferedImage image = layers.get(index);
        if (image == null) {
            resize(index, index == 0 ? DesktopScreen.WIDTH : 1, index == 0 ? DesktopScreen.HEIGHT : 1);
            image = layers.get(index);
        }
        return image;
    }

    /** Buffers (negative layers) grow to fit what is drawn into them, as guacamole-common-js's do. */
    private BufferedImage grow(int index, int w, int h) {
        BufferedImage image = layer(index);
        if (image.getWidth() < w || image.getHeight() < h) {
            resize(index, Math.max(w, image.getWidth()), Math.max(h, image.getHeight()));
            image = layers.get(index);
        }
        return image;
    }

    @Override
    public void close() {
        session.close(new DesktopEnd(org.apache.guacamole.protocol.GuacamoleStatus.SUCCESS, "the bench is done"));
        try {
            sessionThread.join(5_000);
            inbox.add(STOP);
            drawThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SocketTunnelStream s = stream.get();
        if (s != null) {
            s.close();
        }
    }

    private static final class ImageStream {
        final int mask;
        final int layer;
        final String mimetype;
        final int x;
        final int y;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        ImageStream(int mask, int layer, String mimetype, int x, int y) {
            this.mask = mask;
            this.layer = layer;
            this.mimetype = mimetype;
            this.x = x;
            this.y = y;
        }
    }
}
