package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.GuacSink;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleParser;

/**
 * A browser stand-in for the RDP tests: parses the Guacamole instructions a session sends and rebuilds the default
 * layer's picture from {@code size}, {@code img}+{@code blob}+{@code end} (PNG, JPEG) and {@code copy}, answering
 * every {@code sync} as guacamole-common-js does. Other layers (the cursor) are ignored. Thread-safe.
 */
final class PictureSink implements GuacSink {

    private final GuacamoleParser parser = new GuacamoleParser();
    private final Consumer<GuacamoleInstruction> reply;
    private final Map<String, Image> images = new HashMap<>();
    private final List<GuacamoleInstruction> received = new ArrayList<>();
    private final Map<String, ByteArrayOutputStream> clipboardStreams = new HashMap<>();
    private final List<String> clipboard = new ArrayList<>();
    private int[] screen = new int[0];
    private int width;
    private int height;

    private record Image(int layer, int x, int y, ByteArrayOutputStream data) {
    }

    /** @param reply where answers to the server go (the session's {@code receive}) */
    PictureSink(Consumer<GuacamoleInstruction> reply) {
        this.reply = reply;
    }

    @Override
    public void send(String instructions) throws IOException {
        List<GuacamoleInstruction> syncs = new ArrayList<>();
        synchronized (this) {
            char[] chars = instructions.toCharArray();
            int offset = 0;
            try {
                while (offset < chars.length) {
                    int parsed = parser.append(chars, offset, chars.length - offset);
                    offset += parsed;
                    while (parser.hasNext()) {
                        GuacamoleInstruction next = parser.next();
                        // the parser reuses its argument list for the next instruction: copy
                        GuacamoleInstruction instruction = new GuacamoleInstruction(next.getOpcode(),
                                List.copyOf(next.getArgs()));
                        received.add(instruction);
                        if (instruction.getOpcode().equals("sync")) {
                            syncs.add(instruction);
                        } else {
                            apply(instruction);
                        }
                    }
                    if (parsed == 0) {
                        break;
                    }
                }
            } catch (GuacamoleException e) {
                throw new IOException("not Guacamole: " + e.getMessage(), e);
            }
        }
        for (GuacamoleInstruction sync : syncs) {
            reply.accept(new GuacamoleInstruction("sync", sync.getArgs().get(0)));
        }
    }

    private void apply(GuacamoleInstruction instruction) throws IOException {
        List<String> a = instruction.getArgs();
        switch (instruction.getOpcode()) {
            case "size" -> {
                if (a.size() == 3 && a.get(0).equals("0")) {
                    resize(Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)));
                }
            }
            case "img" -> images.put(a.get(0), new Image(Integer.parseInt(a.get(2)), Integer.parseInt(a.get(4)),
                    Integer.parseInt(a.get(5)), new ByteArrayOutputStream()));
            case "clipboard" -> clipboardStreams.put(a.get(0), new ByteArrayOutputStream());
            case "blob" -> {
                Image image = images.get(a.get(0));
                if (image != null) {
                    image.data().write(Base64.getDecoder().decode(a.get(1)));
                }
                ByteArrayOutputStream text = clipboardStreams.get(a.get(0));
                if (text != null) {
                    text.write(Base64.getDecoder().decode(a.get(1)));
                }
            }
            case "end" -> {
                ByteArrayOutputStream text = clipboardStreams.remove(a.get(0));
                if (text != null) {
                    clipboard.add(text.toString(java.nio.charset.StandardCharsets.UTF_8));
                }
                Image image = images.remove(a.get(0));
                if (image != null && image.layer() == 0) {
                    draw(image);
                }
            }
            case "copy" -> {
                if (a.get(0).equals("0") && a.get(6).equals("0")) {
                    copy(Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)), Integer.parseInt(a.get(3)),
                            Integer.parseInt(a.get(4)), Integer.parseInt(a.get(7)), Integer.parseInt(a.get(8)));
                }
            }
            default -> {
            }
        }
    }

    private void resize(int w, int h) {
        int[] next = new int[w * h];
        for (int y = 0; y < Math.min(h, height); y++) {
            System.arraycopy(screen, y * width, next, y * w, Math.min(w, width));
        }
        screen = next;
        width = w;
        height = h;
    }

    private void draw(Image image) throws IOException {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image.data().toByteArray()));
        if (picture == null) {
            throw new IOException("an image the browser could not decode");
        }
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int tx = image.x() + x;
                int ty = image.y() + y;
                if (tx < width && ty < height) {
                    screen[ty * width + tx] = picture.getRGB(x, y) & 0xFFFFFF;
                }
            }
        }
    }

    private void copy(int sx, int sy, int w, int h, int dx, int dy) {
        int[] region = new int[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(screen, (sy + y) * width + sx, region, y * w, w);
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(region, y * w, screen, (dy + y) * width + dx, w);
        }
    }

    /** The browser's picture at (x, y) as {@code 0xRRGGBB}, or -1 outside it. */
    synchronized int pixel(int x, int y) {
        return x < width && y < height ? screen[y * width + x] : -1;
    }

    /** The clipboard texts the server sent, in order. */
    synchronized List<String> clipboard() {
        return List.copyOf(clipboard);
    }

    synchronized int width() {
        return width;
    }

    synchronized List<GuacamoleInstruction> received(String opcode) {
        return received.stream().filter(i -> i.getOpcode().equals(opcode)).toList();
    }
}
