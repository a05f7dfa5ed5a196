package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Tight: fill, JPEG, basic compression with each filter and stream, resets, compact lengths, and broken data. */
class TightDecoderTest {

    private static final RfbSettings WITH_JPEG = RfbSettings.defaults().withJpegQuality(5);

    private static final int A = 0x112233;
    private static final int B = 0xAABBCC;
    private static final int C = 0x00FF7F;

    private final Deflater[] deflaters = {new Deflater(), new Deflater(), new Deflater(), new Deflater()};

    private static ServerBytes tight(int x, int y, int w, int h) {
        return new ServerBytes().update(1).rect(x, y, w, h, 7);
    }

    /** Filtered data of 12 bytes or more goes through zlib stream {@code stream} with a compact length. */
    private ServerBytes data(ServerBytes server, int stream, byte[] filtered) {
        if (filtered.length < 12) {
            return server.bytes(filtered);
        }
        byte[] compressed = ServerBytes.deflate(deflaters[stream], filtered);
        return server.compact(compressed.length).bytes(compressed);
    }

    private static byte[] rgb(int... colours) {
        ServerBytes b = new ServerBytes();
        for (int c : colours) {
            b.tpixel(c);
        }
        return b.toByteArray();
    }

    private static int[] argb(int... rgb) {
        int[] out = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = 0xFF000000 | rgb[i];
        }
        return out;
    }

    @Test
    void fill() throws IOException {
        RfbSession session = new RfbSession(4, 4, tight(1, 1, 3, 2).u8(0x80).tpixel(C)).run();

        assertThat(session.framebuffer().region(1, 1, 3, 2)).containsOnly(0xFF000000 | C);
        assertThat(session.framebuffer().pixel(0, 0)).isEqualTo(0xFF000000);
        assertThat(session.listener.events).containsExactly("size 4x4", "rect 1,1 3x2", "done");
    }

    @Test
    void copyFilterUncompressedBelow12Bytes() throws IOException {
        RfbSession session = new RfbSession(2, 1, tight(0, 0, 2, 1).u8(0x00).bytes(rgb(A, B))).run();

        assertThat(session.framebuffer().region(0, 0, 2, 1)).containsExactly(argb(A, B));
    }

    @Test
    void copyFilterCompressedOnEachStream() throws IOException {
        // explicit filter id 0 on streams 1 to 3, implicit on stream 0
        ServerBytes server = new ServerBytes();
        for (int stream = 0; stream < 4; stream++) {
            server.bytes(tight(0, stream, 4, 1).toByteArray()).u8(stream == 0 ? 0x00 : 0x40 | stream << 4);
            if (stream != 0) {
                server.u8(0);
            }
            data(server, stream, rgb(A, B, C, stream == 3 ? A : B));
        }
        RfbSession session = new RfbSession(4, 4, server).run();

        assertThat(session.framebuffer().region(0, 0, 4, 4)).containsExactly(argb(A, B, C, B, A, B, C, B, A, B, C,
                B, A, B, C, A));
    }

    @Test
    void streamsPersistUntilTheServerResetsThem() throws IOException {
        ServerBytes server = tight(0, 0, 4, 1).u8(0x00);
        data(server, 0, rgb(A, B, C, A));
        server.bytes(tight(0, 1, 4, 1).u8(0x00).toByteArray());
        data(server, 0, rgb(A, B, C, A)); // continues stream 0
        deflaters[0] = new Deflater();
        server.bytes(tight(0, 2, 4, 1).u8(0x01).toByteArray()); // bit 0: reset stream 0 first
        data(server, 0, rgb(C, C, C, C));
        RfbSession session = new RfbSession(4, 3, server).run();

        assertThat(session.framebuffer().region(0, 0, 4, 3)).containsExactly(argb(A, B, C, A, A, B, C, A, C, C, C,
                C));
    }

    @Test
    void withoutTheResetANewStreamIsCorrupt() throws IOException {
        ServerBytes server = tight(0, 0, 4, 1).u8(0x00);
        data(server, 0, rgb(A, B, C, A));
        deflaters[0] = new Deflater();
        server.bytes(tight(0, 1, 4, 1).u8(0x00).toByteArray());
        data(server, 0, rgb(C, C, C, C));

        assertThatThrownBy(new RfbSession(4, 2, server)::run).isInstanceOf(RfbProtocolException.class)
                .hasMessageStartingWith("the VNC server's Tight data is corrupt");
    }

    @Test
    void paletteOfTwoColoursOneBitAPixel() throws IOException {
        // 10 pixels a row: 2 bytes; 1 0 1 1 0 0 0 0 | 1 1 ; 0 ... 0 | 0 1
        ServerBytes server = tight(0, 0, 10, 2).u8(0x40).u8(1).u8(1).tpixel(A).tpixel(B).u8(0xB0, 0xC0, 0x00, 0x40);
        RfbSession session = new RfbSession(10, 2, server).run();

        assertThat(session.framebuffer().region(0, 0, 10, 2)).containsExactly(argb(B, A, B, B, A, A, A, A, B, B,
                A, A, A, A, A, A, A, A, A, B));
    }

    @Test
    void paletteOfThreeColoursOneByteAPixelCompressed() throws IOException {
        ServerBytes server = tight(0, 0, 4, 4).u8(0x60).u8(1).u8(2).tpixel(A).tpixel(B).tpixel(C);
        data(server, 2, new byte[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 2});
        RfbSession session = new RfbSession(4, 4, server).run();

        assertThat(session.framebuffer().region(0, 0, 4, 4)).containsExactly(argb(A, B, C, A, B, C, A, B, C, A, B,
                C, A, B, C, C));
    }

    @Test
    void paletteIndexBeyondThePalette() throws IOException {
        ServerBytes server = tight(0, 0, 2, 1).u8(0x40).u8(1).u8(2).tpixel(A).tpixel(B).tpixel(C).u8(0, 3);

        assertThatThrownBy(new RfbSession(2, 1, server)::run)
                .hasMessage("the VNC server sent a Tight palette index 3 for a palette of 3 colours");
    }

    @Test
    void gradientFilter() throws IOException {
        int w = 5;
        int h = 4;
        int[] image = new int[w * h];
        Random random = new Random(42);
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextInt(0x1000000);
        }
        ServerBytes server = tight(0, 0, w, h).u8(0x40).u8(2);
        data(server, 0, gradientEncode(image, w, h));
        RfbSession session = new RfbSession(w, h, server).run();

        assertThat(session.framebuffer().region(0, 0, w, h)).containsExactly(argb(image));
    }

    /** The encoder's side of the gradient filter, straight from the spec's pseudo-code. */
    private static byte[] gradientEncode(int[] image, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    int left = x > 0 ? (image[y * w + x - 1] >> shift) & 0xFF : 0;
                    int up = y > 0 ? (image[(y - 1) * w + x] >> shift) & 0xFF : 0;
                    int upLeft = x > 0 && y > 0 ? (image[(y - 1) * w + x - 1] >> shift) & 0xFF : 0;
                    int predicted = Math.max(0, Math.min(255, left + up - upLeft));
                    out[(y * w + x) * 3 + c] = (byte) (((image[y * w + x] >> shift) & 0xFF) - predicted);
                }
            }
        }
        return out;
    }

    @Test
    void threeByteCompactLength() throws IOException {
        // 100x60 random pixels: 18000 bytes that do not compress, so the length needs three bytes
        int w = 100;
        int h = 60;
        int[] image = new int[w * h];
        Random random = new Random(7);
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextInt(0x1000000);
        }
        ServerBytes server = tight(0, 0, w, h).u8(0x00);
        data(server, 0, rgb(image));
        assertThat(server.toByteArray()[18] & 0x80).as("a three-byte length").isEqualTo(0x80);
        RfbSession session = new RfbSession(w, h, server).run();

        assertThat(session.framebuffer().snapshot()).containsExactly(argb(image));
    }

    @Test
    void compactLengthAsTheSpecSpellsIt() throws IOException {
        // the spec's example: 10000 is 0x90 0x4E
        RfbInput in = new RfbInput(new ByteArrayInputStream(new byte[] {(byte) 0x90, 0x4E, 5, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF}));

        assertThat(TightDecoder.compactLength(in)).isEqualTo(10000);
        assertThat(TightDecoder.compactLength(in)).isEqualTo(5);
        assertThat(TightDecoder.compactLength(in)).isEqualTo(4194303);
    }

    @Test
    void jpeg() throws IOException {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, 0x3366CC);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "jpeg", jpeg)).isTrue();
        ServerBytes server = tight(2, 1, 16, 8).u8(0x90).compact(jpeg.size()).bytes(jpeg.toByteArray());
        assertThatThrownBy(new RfbSession(20, 10, server)::run).as("JPEG without a quality level asked for")
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server sent a Tight JPEG rectangle, which this client did not ask for "
                        + "(lossless only)");
        RfbSession session = new RfbSession(20, 10, server, WITH_JPEG).run();

        for (int pixel : session.framebuffer().region(2, 1, 16, 8)) {
            assertThat(pixel >>> 24).isEqualTo(0xFF);
            assertThat((pixel >> 16) & 0xFF).isBetween(0x33 - 4, 0x33 + 4);
            assertThat((pixel >> 8) & 0xFF).isBetween(0x66 - 4, 0x66 + 4);
            assertThat(pixel & 0xFF).isBetween(0xCC - 4, 0xCC + 4);
        }
        assertThat(session.framebuffer().pixel(0, 0)).isEqualTo(0xFF000000);
    }

    @Test
    void jpegOfTheWrongSizeOrBroken() throws IOException {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", jpeg);

        assertThatThrownBy(new RfbSession(8, 8, tight(0, 0, 8, 8).u8(0x90).compact(jpeg.size())
                .bytes(jpeg.toByteArray()), WITH_JPEG)::run)
                .hasMessage("the VNC server sent a 4×4 JPEG image for a 8×8 rectangle");
        assertThatThrownBy(new RfbSession(8, 8, tight(0, 0, 8, 8).u8(0x90).compact(4).hex("ffd8ffe0"),
                WITH_JPEG)::run)
                .isInstanceOf(RfbProtocolException.class)
                .hasMessageStartingWith("the VNC server sent a JPEG image that cannot be decoded");
    }

    @Test
    void unknownMethodOrFilter() throws IOException {
        assertThatThrownBy(new RfbSession(2, 2, tight(0, 0, 1, 1).u8(0xA0))::run)
                .hasMessage("the VNC server sent a Tight rectangle with the unknown compression method 10");
        assertThatThrownBy(new RfbSession(2, 2, tight(0, 0, 1, 1).u8(0x40).u8(3))::run)
                .hasMessage("the VNC server sent a Tight rectangle with the unknown filter 3");
    }

    @Test
    void outsideTheScreen() throws IOException {
        assertThatThrownBy(new RfbSession(2, 2, tight(1, 1, 2, 2).u8(0x80).tpixel(A))::run)
                .hasMessage("the VNC server sent a Tight (7) rectangle 2×2 at 1,1, outside its 2×2 screen");
    }
}
