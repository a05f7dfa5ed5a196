package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Server messages other than ZRLE and Tight: Raw, CopyRect, pseudo-encodings, bell, clipboard, colour map, limits. */
class RfbUpdatesTest {

    private static final int RED = 0xFF0000;
    private static final int GREEN = 0x00FF00;
    private static final int BLUE = 0x0000FF;

    @Test
    void firstRequestIsFullAndFramebufferSizeComesFirst() throws IOException {
        RfbSession session = new RfbSession(320, 240, new ServerBytes()).run();

        assertThat(session.sentAfterHandshake()).isEqualTo("03" + "00" + "0000" + "0000" + "0140" + "00f0");
        assertThat(session.listener.events).containsExactly("size 320x240");
    }

    @Test
    void rawRectangle() throws IOException {
        RfbSession session = new RfbSession(4, 3, new ServerBytes().update(1).rect(1, 1, 2, 2, 0)
                .pixel(RED).pixel(GREEN).pixel(BLUE).pixel(0x123456)).run();

        Framebuffer fb = session.framebuffer();
        assertThat(fb.region(1, 1, 2, 2)).containsExactly(0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF123456);
        assertThat(fb.pixel(0, 0)).isEqualTo(0xFF000000);
        assertThat(fb.pixel(3, 2)).isEqualTo(0xFF000000);
        assertThat(session.listener.events).containsExactly("size 4x3", "rect 1,1 2x2", "done");
    }

    @Test
    void copyRectOverlappingDownwards() throws IOException {
        // column x=0 holds 1, 2, 3, 4 (top to bottom); copy rows 0..2 one row down: 1, 1, 2, 3
        ServerBytes server = new ServerBytes().update(1).rect(0, 0, 1, 4, 0).pixel(1).pixel(2).pixel(3).pixel(4)
                .update(1).rect(0, 1, 1, 3, 1).u16(0, 0);
        RfbSession session = new RfbSession(1, 4, server).run();

        assertThat(session.framebuffer().region(0, 0, 1, 4)).containsExactly(0xFF000001, 0xFF000001, 0xFF000002,
                0xFF000003);
        assertThat(session.listener.events).containsExactly("size 1x4", "rect 0,0 1x4", "done",
                "copy 0,0 to 0,1 1x3", "done");
    }

    @Test
    void copyRectOverlappingUpwardsAndSideways() throws IOException {
        ServerBytes server = new ServerBytes().update(1).rect(0, 0, 4, 1, 0).pixel(1).pixel(2).pixel(3).pixel(4)
                .update(1).rect(0, 0, 3, 1, 1).u16(1, 0);
        RfbSession session = new RfbSession(4, 1, server).run();

        assertThat(session.framebuffer().region(0, 0, 4, 1)).containsExactly(0xFF000002, 0xFF000003, 0xFF000004,
                0xFF000004);
    }

    @Test
    void copyRectFromOutsideTheScreenIsRefused() throws IOException {
        RfbSession session = new RfbSession(4, 4, new ServerBytes().update(1).rect(0, 0, 2, 2, 1).u16(3, 3));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server sent a CopyRect (1) rectangle 2×2 at 3,3, outside its 4×4 screen");
    }

    @Test
    void rectangleOutsideTheScreenIsRefusedBeforeItsPixelsAreRead() throws IOException {
        RfbSession session = new RfbSession(320, 240, new ServerBytes().update(1).rect(300, 0, 65535, 65535, 0));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server sent a Raw (0) rectangle 65535×65535 at 300,0, outside its 320×240 screen");
    }

    @Test
    void cursorShapeWithItsMask() throws IOException {
        // 2x2 cursor, hotspot 1,0; mask rows 10000000, 01000000: the diagonal is drawn
        ServerBytes server = new ServerBytes().update(1).rect(1, 0, 2, 2, -239)
                .pixel(RED).pixel(GREEN).pixel(BLUE).pixel(0xFFFFFF).u8(0x80, 0x40);
        RfbSession session = new RfbSession(8, 8, server).run();

        assertThat(session.listener.events).containsExactly("size 8x8", "cursor 1,0 2x2", "done");
        assertThat(session.listener.cursorPixels).containsExactly(0xFFFF0000, 0, 0, 0xFFFFFFFF);
    }

    @Test
    void emptyCursorHidesIt() throws IOException {
        RfbSession session = new RfbSession(8, 8, new ServerBytes().update(1).rect(0, 0, 0, 0, -239)).run();

        assertThat(session.listener.events).containsExactly("size 8x8", "cursor 0,0 0x0", "done");
    }

    @Test
    void oversizeCursorIsRefused() throws IOException {
        RfbSession session = new RfbSession(8, 8, new ServerBytes().update(1).rect(0, 0, 1025, 2, -239));

        assertThatThrownBy(session::run)
                .hasMessage("the VNC server sent a 1025×2 cursor; the limit is 1024 pixels a side");
    }

    @Test
    void desktopSizeResizesAndTheNextRequestIsFull() throws IOException {
        ServerBytes server = new ServerBytes().update(2).rect(0, 0, 2, 1, 0).pixel(RED).pixel(GREEN)
                .rect(0, 0, 3, 2, -223);
        RfbSession session = new RfbSession(2, 2, server).run();
        session.client.requestUpdate(true);
        session.client.requestUpdate(true);

        assertThat(session.listener.events).containsExactly("size 2x2", "rect 0,0 2x1", "size 3x2", "done");
        assertThat(session.framebuffer().region(0, 0, 3, 2)).containsExactly(0xFFFF0000, 0xFF00FF00, 0xFF000000,
                0xFF000000, 0xFF000000, 0xFF000000);
        assertThat(session.sentAfterHandshake()).isEqualTo("03000000000000020002" // first, full
                + "03000000000000030002" // after the resize: full although incremental was asked
                + "03010000000000030002");
    }

    @Test
    void extendedDesktopSize() throws IOException {
        ServerBytes server = new ServerBytes()
                .update(1).rect(0, 0, 5, 5, -308).u8(1, 0, 0, 0).s32(1).u16(0, 0, 5, 5).s32(0) // same size: no-op
                .update(1).rect(1, 0, 6, 4, -308).u8(1, 0, 0, 0).s32(1).u16(0, 0, 6, 4).s32(0) // our request done
                .update(1).rect(1, 3, 9, 9, -308).u8(0, 0, 0, 0) // status 3: our request refused, no resize
                .update(1).rect(2, 0, 7, 4, -308).u8(1, 0, 0, 0).s32(1).u16(0, 0, 7, 4).s32(0); // another viewer's
        RfbSession session = new RfbSession(5, 5, server).run();

        assertThat(session.listener.events).containsExactly("size 5x5", "done", "size 6x4", "answered 0", "done",
                "answered 3", "done", "size 7x4", "done");
        assertThat(session.framebuffer().width()).isEqualTo(7);
    }

    @Test
    void setDesktopSizeOnlyAfterTheServerShowedItCanResize() throws IOException {
        RfbSession silent = new RfbSession(5, 5, new ServerBytes().update(1).rect(0, 0, 6, 6, -223)).run();
        assertThat(silent.client.requestDesktopSize(800, 600)).as("a server without ExtendedDesktopSize").isFalse();

        ServerBytes server = new ServerBytes().update(1).rect(0, 0, 5, 5, -308).u8(2, 0, 0, 0)
                .s32(0x1234).u16(0, 0, 5, 5).s32(7).s32(99).u16(5, 0, 1, 1).s32(0);
        RfbSession session = new RfbSession(5, 5, server).run();
        String before = session.sentAfterHandshake();
        assertThat(session.client.requestDesktopSize(800, 600)).isTrue();
        // one screen: the server's first screen's id and flags, at 0,0, the whole size
        assertThat(session.sentAfterHandshake().substring(before.length())).isEqualTo(
                "fb00" + "0320" + "0258" + "0100" + "00001234" + "0000" + "0000" + "0320" + "0258" + "00000007");
        assertThatThrownBy(() -> session.client.requestDesktopSize(0, 600)).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("beyond this client's limits");
    }

    @Test
    void desktopSizeBeyondTheLimitsIsRefused() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes().update(1).rect(0, 0, 0, 10, -223));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessageStartingWith("the VNC server resized its screen: a screen of 0×10 pixels is beyond");
    }

    @Test
    void lastRectEndsTheUpdateEarly() throws IOException {
        ServerBytes server = new ServerBytes().update(0xFFFF).rect(0, 0, 1, 1, 0).pixel(RED).rect(0, 0, 0, 0, -224)
                .u8(2);
        RfbSession session = new RfbSession(2, 2, server).run();

        assertThat(session.listener.events).containsExactly("size 2x2", "rect 0,0 1x1", "done", "bell");
    }

    @Test
    void bellClipboardAndColourMap() throws IOException {
        ServerBytes server = new ServerBytes().u8(2)
                .u8(3, 0, 0, 0).s32(6).bytes(new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n', '!'})
                .u8(1, 0).u16(0, 2).u16(1, 2, 3, 4, 5, 6) // SetColourMapEntries: read and ignored
                .u8(2);
        RfbSession session = new RfbSession(2, 2, server).run();

        assertThat(session.listener.events).containsExactly("size 2x2", "bell", "cut café\n!", "bell");
    }

    @Test
    void oversizeClipboardIsSkippedAndTheSessionGoesOn() throws IOException {
        ServerBytes server = new ServerBytes().u8(3, 0, 0, 0).s32(RfbClient.MAX_CUT_TEXT + 1)
                .bytes(new byte[RfbClient.MAX_CUT_TEXT + 1]).u8(2);
        RfbSession session = new RfbSession(2, 2, server).run();

        assertThat(session.listener.events).containsExactly("size 2x2", "bell");
    }

    @Test
    void unknownMessageTypeAndEncoding() throws IOException {
        assertThatThrownBy(new RfbSession(2, 2, new ServerBytes().u8(77))::run)
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server sent the unknown message type 77");
        assertThatThrownBy(new RfbSession(2, 2, new ServerBytes().update(1).rect(0, 0, 1, 1, 5))::run)
                .hasMessage("the VNC server sent a rectangle in Hextile (5), which this client did not ask for");
    }

    @Test
    void endOfStreamInsideAMessage() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes().update(1).rect(0, 0, 2, 2, 0).pixel(RED));

        assertThatThrownBy(session::run).isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server closed the connection in the middle of a message");
        assertThat(session.listener.events).containsExactly("size 2x2");
    }

    @Test
    void runOnlyOnce() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes()).run();

        assertThatThrownBy(session::run).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void inputMessages() throws IOException {
        RfbSession session = new RfbSession(320, 240, new ServerBytes());
        session.client.keyEvent(0xff0d, true);
        session.client.keyEvent('a', false);
        session.client.pointerEvent(10, 20, 1);
        session.client.pointerEvent(-5, 1000, 0);
        session.client.clientCutText("é€\r\nx");

        assertThat(session.sentAfterHandshake()).isEqualTo(
                "04010000" + "0000ff0d"
                + "04000000" + "00000061"
                + "0501" + "000a" + "0014"
                + "0500" + "0000" + "00ef" // clamped into the 320x240 screen
                + "06000000" + "00000004" + "e93f0a78"); // Latin-1, '?' for the euro sign, LF line ends
    }

    @Test
    void inputLimits() throws IOException {
        RfbSession session = new RfbSession(2, 2, new ServerBytes());

        assertThatThrownBy(() -> session.client.pointerEvent(0, 0, 256))
                .hasMessage("buttonMask is 256; it must be 0 to 255");
        assertThatThrownBy(() -> session.client.clientCutText("x".repeat(RfbClient.MAX_CUT_TEXT + 1)))
                .hasMessage("the clipboard text has 1048577 characters; VNC takes at most 1048576");
    }
}
