package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleParser;

/**
 * The browser's side of a session for tests: parses everything the session sends with guacamole-common's
 * {@link GuacamoleParser} (so every instruction must be well-formed) and applies {@code size}, {@code img} (PNG and
 * JPEG, decoded with ImageIO), {@code copy}, {@code rect}/{@code cfill} and {@code cursor} to its own pictures, as
 * guacamole-common-js would. Answers each {@code sync} like the browser when {@link #autoAck} is on; otherwise the
 * test answers with {@link #ackAll}. Thread-safe.
 */
final class FakeBrowser implements GuacSink {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final GuacamoleParser parser = new GuacamoleParser();
    private final Map<Integer, int[]> layers = new HashMap<>(); // 0xAARRGGBB, per layer
    private final Map<Integer, int[]> sizes = new HashMap<>();
    private final Map<String, Stream> streams = new HashMap<>();
    private int[] rectangle; // layer, x, y, w, h of the last rect path
    final List<GuacamoleInstruction> received = new CopyOnWriteArrayList<>();
    final List<Long> syncs = new CopyOnWriteArrayList<>();
    final List<String> clipboard = new CopyOnWriteArrayList<>();
    volatile DesktopSession session;
    volatile boolean autoAck = true;
    volatile IOException failWith;
    private int[] cursor;
    private int cursorWidth;
    private int cursorHeight;
    private int hotX;
    private int hotY;
    private final List<Long> unanswered = new ArrayList<>();

    private record Stream(String kind, int layer, int x, int y, ByteArrayOutputStream data) {
    }

    @Override
    public void send(String instructions) throws IOException {
        if (failWith != null) {
            throw failWith;
        }
        List<Long> toAck = new ArrayList<>();
        synchronized (this) {
            char[] chars = instructions.toCharArray();
            int offset = 0;
            try {
                while (offset < chars.length) {
                    int n = parser.append(chars, offset, chars.length - offset);
                    offset += n;
                    boolean any = false;
                    while (parser.hasNext()) {
                        any = true;
                        // the parser reuses its buffers: keep a copy
                        GuacamoleInstruction parsed = parser.next();
                        GuacamoleInstruction instruction = new GuacamoleInstruction(parsed.getOpcode(),
                                List.copyOf(parsed.getArgs()));
                        received.add(instruction);
                        Long sync = apply(instruction);
                        if (sync != null) {
                            syncs.add(sync);
                            if (autoAck) {
                                toAck.add(sync);
                            } else {
                                unanswered.add(sync);
                            }
                        }
                    }
                    if (n == 0 && !any) {
                        throw new AssertionError("the parser took nothing of: " + instructions.substring(offset,
                                Math.min(chars.length, offset + 80)));
                    }
                }
            } catch (GuacamoleException e) {
                throw new AssertionError("not valid Guacamole: " + e.getMessage(), e);
            }
            notifyAll();
        }
        DesktopSession s = session;
        for (long t : toAck) {
            s.receive(new GuacamoleInstruction("sync", Long.toString(t)));
        }
    }

    /** Answers every sync not answered yet, as the browser does once it drew the frame. */
    void ackAll() {
        List<Long> now;
        synchronized (this) {
            now = new ArrayList<>(unanswered);
            unanswered.clear();
        }
        for (long t : now) {
            session.receive(new GuacamoleInstruction("sync", Long.toString(t)));
        }
    }

    private Long apply(GuacamoleInstruction instruction) {
        List<String> a = instruction.getArgs();
        switch (instruction.getOpcode()) {
            case "size" -> resize(i(a, 0), i(a, 1), i(a, 2));
            case "img" -> {
                assertThat(i(a, 1) == VncDesktopSession.OVER, "img with channel mask 14 (over), not " + a.get(1));
                streams.put(a.get(0), new Stream(a.get(3), i(a, 2), i(a, 4), i(a, 5), new ByteArrayOutputStream()));
            }
            case "clipboard" -> streams.put(a.get(0), new Stream("clipboard:" + a.get(1), 0, 0, 0,
                    new ByteArrayOutputStream()));
            case "blob" -> {
                assertThat(a.get(1).length() <= 6144, "blob of " + a.get(1).length() + " characters");
                streams.get(a.get(0)).data().writeBytes(Base64.getDecoder().decode(a.get(1)));
            }
            case "end" -> finish(streams.remove(a.get(0)));
            case "copy" -> copy(i(a, 0), i(a, 1), i(a, 2), i(a, 3), i(a, 4), i(a, 6), i(a, 7), i(a, 8));
            case "rect" -> rectangle = new int[] {i(a, 0), i(a, 1), i(a, 2), i(a, 3), i(a, 4)};
            case "cfill" -> {
                assertThat(i(a, 0) == VncDesktopSession.ROUT && rectangle != null && rectangle[0] == i(a, 1),
                        "cfill clears the rect just defined");
                int[] layer = layers.get(rectangle[0]);
                int w = sizes.get(rectangle[0])[0];
                for (int y = rectangle[2]; y < rectangle[2] + rectangle[4]; y++) {
                    for (int x = rectangle[1]; x < rectangle[1] + rectangle[3]; x++) {
                        layer[y * w + x] = 0;
                    }
                }
            }
            case "cursor" -> {
                int w = i(a, 5);
                int h = i(a, 6);
                int[] src = layers.get(i(a, 2));
                int sw = sizes.get(i(a, 2))[0];
                cursor = new int[w * h];
                for (int y = 0; y < h; y++) {
                    System.arraycopy(src, (i(a, 4) + y) * sw + i(a, 3), cursor, y * w, w);
                }
                cursorWidth = w;
                cursorHeight = h;
                hotX = i(a, 0);
                hotY = i(a, 1);
            }
            case "sync" -> {
                return Long.parseLong(a.get(0));
            }
            default -> {
                // required, ack, error...: recorded only
            }
        }
        return null;
    }

    private static int i(List<String> args, int index) {
        return Integer.parseInt(args.get(index));
    }

    private static void assertThat(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private void resize(int layer, int w, int h) {
        int[] old = layers.get(layer);
        int[] next = new int[w * h];
        if (old != null) {
            int ow = sizes.get(layer)[0];
            int oh = sizes.get(layer)[1];
            for (int y = 0; y < Math.min(oh, h); y++) {
                System.arraycopy(old, y * ow, next, y * w, Math.min(ow, w));
            }
        }
        layers.put(layer, next);
        sizes.put(layer, new int[] {w, h});
    }

    private void finish(Stream stream) {
        if (stream.kind().startsWith("clipboard:")) {
            clipboard.add(stream.data().toString(StandardCharsets.UTF_8));
            return;
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(stream.data().toByteArray()));
        } catch (IOException e) {
            throw new AssertionError("an image that does not decode: " + e.getMessage(), e);
        }
        assertThat(image != null, "an image ImageIO cannot read (" + stream.kind() + ")");
        int[] layer = layers.get(stream.layer());
        int lw = sizes.get(stream.layer())[0];
        int lh = sizes.get(stream.layer())[1];
        assertThat(stream.x() + image.getWidth() <= lw && stream.y() + image.getHeight() <= lh,
                "an image outside its layer");
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int src = image.getRGB(x, y);
                // "over": opaque pixels replace, transparent ones leave the layer as it is (the session clears
                // the cursor layer first, so partial alpha never meets an opaque pixel here)
                if (src >>> 24 != 0) {
                    layer[(stream.y() + y) * lw + stream.x() + x] = src;
                }
            }
        }
    }

    private void copy(int srcLayer, int sx, int sy, int w, int h, int dstLayer, int dx, int dy) {
        int[] src = layers.get(srcLayer);
        int sw = sizes.get(srcLayer)[0];
        int[] tmp = new int[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, (sy + y) * sw + sx, tmp, y * w, w);
        }
        int[] dst = layers.get(dstLayer);
        int dw = sizes.get(dstLayer)[0];
        for (int y = 0; y < h; y++) {
            System.arraycopy(tmp, y * w, dst, (dy + y) * dw + dx, w);
        }
    }

    /** The default layer's pixels as 0xFFRRGGBB (a copy), or null before its first size. */
    synchronized int[] screen() {
        int[] layer = layers.get(0);
        return layer == null ? null : layer.clone();
    }

    synchronized int screenWidth() {
        return sizes.containsKey(0) ? sizes.get(0)[0] : 0;
    }

    synchronized int screenHeight() {
        return sizes.containsKey(0) ? sizes.get(0)[1] : 0;
    }

    synchronized int[] cursor() {
        return cursor == null ? null : cursor.clone();
    }

    synchronized int[] cursorGeometry() {
        return new int[] {hotX, hotY, cursorWidth, cursorHeight};
    }

    /** Instructions with this opcode received so far. */
    List<GuacamoleInstruction> all(String opcode) {
        return received.stream().filter(i -> i.getOpcode().equals(opcode)).toList();
    }

    /** Waits (at most {@link #PATIENCE}) until the condition holds. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s in vain for " + what);
            }
            Thread.sleep(20);
        }
    }
}
