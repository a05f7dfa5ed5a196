package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** ZRLE tiles of every subencoding, tiling, the persistent zlib stream, and broken data. */
class ZrleDecoderTest {

    private static final int A = 0x112233;
    private static final int B = 0xAABBCC;
    private static final int C = 0x00FF7F;
    private static final int D = 0x800000;
    private static final int E = 0x0000FE;

    private final Deflater deflater = new Deflater();

    /** One update with one ZRLE rectangle whose inflated data is {@code tiles}. */
    private ServerBytes zrle(int x, int y, int w, int h, ServerBytes tiles) {
        byte[] compressed = ServerBytes.deflate(deflater, tiles.toByteArray());
        return new ServerBytes().update(1).rect(x, y, w, h, 16).s32(compressed.length).bytes(compressed);
    }

    private static int[] argb(int... rgb) {
        int[] out = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = 0xFF000000 | rgb[i];
        }
        return out;
    }

    /** A session of its own, with a zlib stream of its own. */
    private Framebuffer decode(int w, int h, ServerBytes tiles) throws IOException {
        deflater.reset();
        return new RfbSession(w, h, zrle(0, 0, w, h, tiles)).run().framebuffer();
    }

    @Test
    void rawTile() throws IOException {
        Framebuffer fb = decode(2, 2, new ServerBytes().u8(0).cpixel(A).cpixel(B).cpixel(C).cpixel(D));

        assertThat(fb.region(0, 0, 2, 2)).containsExactly(argb(A, B, C, D));
    }

    @Test
    void solidTile() throws IOException {
        RfbSession session = new RfbSession(6, 3, zrle(1, 1, 4, 2, new ServerBytes().u8(1).cpixel(C))).run();

        assertThat(session.framebuffer().region(1, 1, 4, 2)).containsOnly(0xFF000000 | C);
        assertThat(session.framebuffer().pixel(0, 0)).isEqualTo(0xFF000000);
        assertThat(session.framebuffer().pixel(5, 2)).isEqualTo(0xFF000000);
        assertThat(session.listener.events).containsExactly("size 6x3", "rect 1,1 4x2", "done");
    }

    @Test
    void packedPaletteOfTwoColoursOneBitEach() throws IOException {
        // rows of 3 pixels pad to one byte: 1,0,1 -> 101..... ; 0,1,1 -> 011.....
        Framebuffer fb = decode(3, 2, new ServerBytes().u8(2).cpixel(A).cpixel(B).u8(0xA0, 0x60));

        assertThat(fb.region(0, 0, 3, 2)).containsExactly(argb(B, A, B, A, B, B));
    }

    @Test
    void packedPaletteOfThreeColoursTwoBitsEach() throws IOException {
        // 2,1,0 -> 10 01 00 00 ; 0,2,2 -> 00 10 10 00
        Framebuffer fb = decode(3, 2, new ServerBytes().u8(3).cpixel(A).cpixel(B).cpixel(C).u8(0x90, 0x28));

        assertThat(fb.region(0, 0, 3, 2)).containsExactly(argb(C, B, A, A, C, C));
    }

    @Test
    void packedPaletteOfFiveColoursFourBitsEach() throws IOException {
        // 4,3,2 -> 0100 0011 | 0010 0000 ; 1,0,4 -> 0001 0000 | 0100 0000
        Framebuffer fb = decode(3, 2, new ServerBytes().u8(5).cpixel(A).cpixel(B).cpixel(C).cpixel(D).cpixel(E)
                .u8(0x43, 0x20, 0x10, 0x40));

        assertThat(fb.region(0, 0, 3, 2)).containsExactly(argb(E, D, C, B, A, E));
    }

    @Test
    void plainRle() throws IOException {
        // A four times (run byte 3), then B twice (run byte 1)
        Framebuffer fb = decode(3, 2, new ServerBytes().u8(128).cpixel(A).u8(3).cpixel(B).u8(1));

        assertThat(fb.region(0, 0, 3, 2)).containsExactly(argb(A, A, A, A, B, B));
    }

    @Test
    void plainRleWithRunsLongerThan255() throws IOException {
        // 64x8 = 512 pixels: A for 300 (1 + 255 + 44), B for 212 (1 + 211)
        Framebuffer fb = decode(64, 8, new ServerBytes().u8(128).cpixel(A).u8(255, 44).cpixel(B).u8(211));

        int[] pixels = fb.snapshot();
        assertThat(pixels[299]).isEqualTo(0xFF000000 | A);
        assertThat(pixels[300]).isEqualTo(0xFF000000 | B);
        assertThat(pixels[511]).isEqualTo(0xFF000000 | B);
    }

    @Test
    void paletteRle() throws IOException {
        // palette A, B: A run 3, B single, A run 2
        Framebuffer fb = decode(3, 2, new ServerBytes().u8(130).cpixel(A).cpixel(B).u8(0x80, 2).u8(1).u8(0x80, 1));

        assertThat(fb.region(0, 0, 3, 2)).containsExactly(argb(A, A, A, B, A, A));
    }

    @Test
    void tilesOf64PixelsWithSmallerOnesAtTheEdges() throws IOException {
        // 70x65: tiles 64x64, 6x64, 64x1, 6x1 in that order
        Framebuffer fb = decode(70, 65, new ServerBytes().u8(1).cpixel(A).u8(1).cpixel(B).u8(1).cpixel(C)
                .u8(1).cpixel(D));

        assertThat(fb.pixel(63, 63)).isEqualTo(0xFF000000 | A);
        assertThat(fb.pixel(64, 0)).isEqualTo(0xFF000000 | B);
        assertThat(fb.pixel(69, 63)).isEqualTo(0xFF000000 | B);
        assertThat(fb.pixel(0, 64)).isEqualTo(0xFF000000 | C);
        assertThat(fb.pixel(63, 64)).isEqualTo(0xFF000000 | C);
        assertThat(fb.pixel(64, 64)).isEqualTo(0xFF000000 | D);
        assertThat(fb.pixel(69, 64)).isEqualTo(0xFF000000 | D);
    }

    @Test
    void theZlibStreamLastsTheWholeConnection() throws IOException {
        ServerBytes tiles = new ServerBytes().u8(0);
        for (int i = 0; i < 16; i++) {
            tiles.cpixel(A).cpixel(B);
        }
        // the second block refers back to the first one's bytes: it inflates only on the same stream
        ServerBytes server = new ServerBytes().bytes(zrle(0, 0, 8, 4, tiles).toByteArray())
                .bytes(zrle(0, 4, 8, 4, tiles).toByteArray());
        RfbSession session = new RfbSession(8, 8, server).run();

        assertThat(session.framebuffer().pixel(7, 7)).isEqualTo(0xFF000000 | B);
        assertThat(session.listener.events).containsExactly("size 8x8", "rect 0,0 8x4", "done", "rect 0,4 8x4",
                "done");
    }

    @Test
    void unusedSubencodings() {
        assertThatThrownBy(() -> decode(2, 2, new ServerBytes().u8(17)))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server sent a ZRLE tile with the unused subencoding 17");
        assertThatThrownBy(() -> decode(2, 2, new ServerBytes().u8(129)))
                .hasMessage("the VNC server sent a ZRLE tile with the unused subencoding 129");
    }

    @Test
    void runLongerThanItsTile() {
        assertThatThrownBy(() -> decode(2, 2, new ServerBytes().u8(128).cpixel(A).u8(255, 255, 255, 255, 0)))
                .hasMessage("the VNC server sent a ZRLE run longer than its tile");
        assertThatThrownBy(() -> decode(2, 2, new ServerBytes().u8(128).cpixel(A).u8(2).cpixel(B).u8(1)))
                .hasMessage("the VNC server sent a ZRLE run longer than its tile");
    }

    @Test
    void paletteIndexBeyondThePalette() {
        assertThatThrownBy(() -> decode(2, 1, new ServerBytes().u8(130).cpixel(A).cpixel(B).u8(5, 0)))
                .hasMessage("the VNC server sent a ZRLE palette index 5 for a palette of 2 colours");
        assertThatThrownBy(() -> decode(2, 1, new ServerBytes().u8(3).cpixel(A).cpixel(B).cpixel(C).u8(0xC0)))
                .hasMessage("the VNC server sent a ZRLE palette index 3 for a palette of 3 colours");
    }

    @Test
    void lengthBeyondWhatTheRectangleCanNeed() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes().update(1).rect(0, 0, 1, 1, 16).s32(-1));

        assertThatThrownBy(session::run)
                .hasMessage("the VNC server sent 4294967295 bytes of ZRLE data for a 1×1 rectangle; at most 66115 "
                        + "can make sense");
    }

    @Test
    void corruptData() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes().update(1).rect(0, 0, 1, 1, 16).s32(8)
                .hex("0102030405060708"));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessageStartingWith("the VNC server's ZRLE data is corrupt");
    }

    @Test
    void dataShorterThanTheRectangle() {
        assertThatThrownBy(() -> decode(2, 2, new ServerBytes().u8(0).cpixel(A)))
                .hasMessage("the VNC server's ZRLE data ended before the rectangle was complete");
    }

    @Test
    void dataLongerThanTheRectangle() {
        assertThatThrownBy(() -> decode(1, 1, new ServerBytes().u8(1).cpixel(A).u8(0)))
                .hasMessage("the VNC server's ZRLE data is longer than its rectangle");
    }

    @Test
    void endOfTheZlibStreamInMidSession() throws IOException {
        Deflater finishing = new Deflater();
        finishing.setInput(new byte[] {1, 0x11, 0x22, 0x33});
        finishing.finish();
        byte[] compressed = new byte[64];
        int n = finishing.deflate(compressed);
        // the first rectangle decodes; the stream is over, so the next one cannot
        RfbSession session = new RfbSession(1, 1, new ServerBytes()
                .update(1).rect(0, 0, 1, 1, 16).s32(n).bytes(Arrays.copyOf(compressed, n))
                .update(1).rect(0, 0, 1, 1, 16).s32(n).bytes(Arrays.copyOf(compressed, n)));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server ended its ZRLE stream in mid-session");
        assertThat(session.framebuffer().pixel(0, 0)).isEqualTo(0xFF332211);
    }
}
