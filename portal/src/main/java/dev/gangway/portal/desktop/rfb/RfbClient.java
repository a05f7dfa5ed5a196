package dev.gangway.portal.desktop.rfb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An RFB (VNC) client over a blocking stream pair, for the embedded remote-desktop converter.
 *
 * <p><b>Lifecycle.</b> {@link #connect} runs the handshake on the caller's thread and tells the server our pixel
 * format ({@link PixelFormat#ARGB32}) and encodings. {@link #run} then reads server messages on the calling thread
 * (the one reader thread) until the server closes the connection (a normal return) or breaks the protocol (an
 * {@link RfbProtocolException}); it asks for the first, full, update itself. The caller owns the socket: it sets the
 * read timeout (RFB has no keepalive of its own, so the timeout is the caller's policy) and closes the socket to end
 * the session, which makes {@code run} throw.
 *
 * <p><b>Pacing.</b> After {@link RfbListener#updateDone} the client asks for nothing by itself: the caller calls
 * {@link #requestUpdate} when it can take the next update (for instance when the browser acknowledged the last
 * frame). Meanwhile the server merges changes, so a slow viewer gets fewer, larger updates, never a backlog.
 *
 * <p><b>Threads.</b> {@code run} on one thread; {@link #requestUpdate}, {@link #keyEvent}, {@link #pointerEvent},
 * {@link #requestDesktopSize} and {@link #clientCutText} from any thread (each message is written whole under a lock). The {@link Framebuffer} may be
 * read from any thread.
 *
 * <p><b>Hostile servers.</b> Every size and length from the server is checked before use (screen, rectangles inside
 * the screen, zlib output bounded by the rectangle, cursor at most {@value #MAX_CURSOR_DIMENSION} pixels a side,
 * clipboard at most {@value #MAX_CUT_TEXT} bytes); a violation is an {@link RfbProtocolException} in plain words.
 */
public final class RfbClient {

    /** The largest clipboard text accepted either way, in bytes (Latin-1: one byte a character). */
    public static final int MAX_CUT_TEXT = 1024 * 1024;
    /** The largest cursor width or height accepted. */
    public static final int MAX_CURSOR_DIMENSION = 1024;

    private final RfbInput in;
    private final RfbOutput out;
    private final ServerInit serverInit;
    private final Framebuffer framebuffer;
    private final AtomicBoolean fullUpdateNeeded = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean();
    private final ZrleDecoder zrle = new ZrleDecoder();
    private final TightDecoder tight;
    /** The server's first screen (id, flags) from its last ExtendedDesktopSize; null until it sends one. */
    private volatile int[] firstScreen;
    private int[] pixels = new int[0];
    private byte[] row = new byte[0];

    private RfbClient(RfbInput in, RfbOutput out, ServerInit serverInit, boolean jpegOffered) {
        this.tight = new TightDecoder(jpegOffered);
        this.in = in;
        this.out = out;
        this.serverInit = serverInit;
        this.framebuffer = new Framebuffer(serverInit.width(), serverInit.height());
    }

    /**
     * Runs the handshake and announces our pixel format and encodings. Blocks for as long as the server takes (the
     * socket's read timeout bounds it).
     *
     * @param passwords asked only when the server wants VNC Authentication
     * @throws RfbAuthenticationException wrong or missing VNC password, or the server refused it
     * @throws RfbProtocolException not a VNC server, no common version or security type, limits exceeded
     */
    public static RfbClient connect(InputStream in, OutputStream out, RfbSettings settings, PasswordSource passwords)
            throws IOException {
        RfbInput input = new RfbInput(in);
        RfbOutput output = new RfbOutput(out);
        ServerInit init = new RfbHandshake(input, output).perform(settings.shared(), passwords);
        output.send(RfbOutput.setPixelFormat(PixelFormat.ARGB32));
        output.send(RfbOutput.setEncodings(settings.setEncodingsList()));
        return new RfbClient(input, output, init, settings.jpegQuality() >= 0);
    }

    public ServerInit serverInit() {
        return serverInit;
    }

    public Framebuffer framebuffer() {
        return framebuffer;
    }

    /**
     * Reads and applies server messages until the server closes the connection; see the class comment. May be
     * called once.
     *
     * @throws RfbProtocolException the server broke the protocol or a limit; the session is over
     * @throws IOException the connection failed (including the caller closing it or its read timeout)
     */
    public void run(RfbListener listener) throws IOException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("run was already called on this client");
        }
        try {
            listener.framebufferSize(framebuffer.width(), framebuffer.height());
            requestUpdate(false);
            for (int type = in.readU8OrEnd(); type >= 0; type = in.readU8OrEnd()) {
                switch (type) {
                    case 0 -> framebufferUpdate(listener);
                    case 1 -> colourMapEntries();
                    case 2 -> listener.bell();
                    case 3 -> serverCutText(listener);
                    default -> throw new RfbProtocolException("the VNC server sent the unknown message type "
                            + type);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            // every index is checked before use; this is the safety net that keeps a missed case a clean end
            throw new RfbProtocolException("the VNC server sent data this client cannot apply (" + e.getMessage()
                    + ")", e);
        } finally {
            zrle.close();
            tight.close();
        }
    }

    /**
     * Asks for the next framebuffer update of the whole screen. Incremental requests get only changes (and may be
     * answered much later: when something changes); after a resize the next request is a full one regardless.
     */
    public void requestUpdate(boolean incremental) throws IOException {
        boolean full = fullUpdateNeeded.getAndSet(false);
        out.send(RfbOutput.framebufferUpdateRequest(incremental && !full, 0, 0, framebuffer.width(),
                framebuffer.height()));
    }

    /** A key pressed or released; {@code keysym} is the X11 keysym (e.g. 0x61 'a', 0xff0d Return). */
    public void keyEvent(int keysym, boolean down) throws IOException {
        out.send(RfbOutput.keyEvent(keysym, down));
    }

    /**
     * The pointer's position and buttons; positions outside the screen are clamped to its edge.
     *
     * @param buttonMask bit 0 left, 1 middle, 2 right, 3/4 wheel up/down (0 to 255)
     */
    public void pointerEvent(int x, int y, int buttonMask) throws IOException {
        if (buttonMask < 0 || buttonMask > 255) {
            throw new IllegalArgumentException("buttonMask is " + buttonMask + "; it must be 0 to 255");
        }
        int cx = Math.max(0, Math.min(x, framebuffer.width() - 1));
        int cy = Math.max(0, Math.min(y, framebuffer.height() - 1));
        out.send(RfbOutput.pointerEvent(cx, cy, buttonMask));
    }

    /**
     * Asks the server to change its screen to {@code width × height} (SetDesktopSize, one screen). The answer comes
     * through {@link RfbListener#desktopSizeAnswered}, after {@link RfbListener#framebufferSize} when it was done.
     *
     * @return false, sending nothing, when the server has not shown it can resize (no ExtendedDesktopSize rectangle
     *     with a screen yet; servers that cannot never send one)
     * @throws IllegalArgumentException a size beyond the {@link Framebuffer}'s limits
     */
    public boolean requestDesktopSize(int width, int height) throws IOException {
        Framebuffer.checkSize(width, height);
        int[] screen = firstScreen;
        if (screen == null) {
            return false;
        }
        out.send(RfbOutput.setDesktopSize(width, height, screen[0], screen[1]));
        return true;
    }

    /**
     * Sets the server's clipboard. RFB carries Latin-1 only: other characters become '?'; line ends become "\n".
     *
     * @throws IllegalArgumentException the text is longer than {@value #MAX_CUT_TEXT} characters
     */
    public void clientCutText(String text) throws IOException {
        String lf = text.replace("\r\n", "\n").replace('\r', '\n');
        if (lf.length() > MAX_CUT_TEXT) {
            throw new IllegalArgumentException("the clipboard text has " + lf.length() + " characters; VNC takes at "
                    + "most " + MAX_CUT_TEXT);
        }
        out.send(RfbOutput.clientCutText(lf.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void framebufferUpdate(RfbListener listener) throws IOException {
        listener.updateStart();
        in.skip(1);
        int count = in.readU16();
        for (int i = 0; i < count; i++) {
            int x = in.readU16();
            int y = in.readU16();
            int w = in.readU16();
            int h = in.readU16();
            int encoding = in.readS32();
            switch (encoding) {
                case RfbEncoding.LAST_RECT -> i = count;
                case RfbEncoding.DESKTOP_SIZE -> resize(w, h, listener);
                case RfbEncoding.EXTENDED_DESKTOP_SIZE -> extendedDesktopSize(x, y, w, h, listener);
                case RfbEncoding.CURSOR -> cursor(x, y, w, h, listener);
                case RfbEncoding.COPY_RECT -> copyRect(x, y, w, h, listener);
                case RfbEncoding.RAW -> raw(x, y, w, h, listener);
                case RfbEncoding.ZRLE -> {
                    int[] dst = pixelsFor(x, y, w, h, encoding);
                    zrle.decode(in, w, h, dst);
                    apply(x, y, w, h, dst, listener);
                }
                case RfbEncoding.TIGHT -> {
                    int[] dst = pixelsFor(x, y, w, h, encoding);
                    tight.decode(in, w, h, dst);
                    apply(x, y, w, h, dst, listener);
                }
                default -> throw new RfbProtocolException("the VNC server sent a rectangle in "
                        + RfbEncoding.name(encoding) + ", which this client did not ask for");
            }
        }
        listener.updateDone();
    }

    /** Checks the rectangle lies inside the screen and returns a scratch buffer for its pixels. */
    private int[] pixelsFor(int x, int y, int w, int h, int encoding) throws RfbProtocolException {
        if (x + w > framebuffer.width() || y + h > framebuffer.height()) {
            throw new RfbProtocolException("the VNC server sent a " + RfbEncoding.name(encoding) + " rectangle "
                    + w + "×" + h + " at " + x + "," + y + ", outside its " + framebuffer.width() + "×"
                    + framebuffer.height() + " screen");
        }
        if (pixels.length < w * h) {
            pixels = new int[w * h];
        }
        return pixels;
    }

    private void apply(int x, int y, int w, int h, int[] argb, RfbListener listener) {
        if (w > 0 && h > 0) {
            framebuffer.write(x, y, w, h, argb);
            listener.rectangle(x, y, w, h, argb);
        }
    }

    private void raw(int x, int y, int w, int h, RfbListener listener) throws IOException {
        int[] dst = pixelsFor(x, y, w, h, RfbEncoding.RAW);
        if (row.length < w * 4) {
            row = new byte[w * 4];
        }
        for (int r = 0; r < h; r++) {
            in.readFully(row, 0, w * 4);
            for (int c = 0; c < w; c++) {
                dst[r * w + c] = pixel(row, c * 4);
            }
        }
        apply(x, y, w, h, dst, listener);
    }

    private void copyRect(int x, int y, int w, int h, RfbListener listener) throws IOException {
        int srcX = in.readU16();
        int srcY = in.readU16();
        pixelsFor(x, y, w, h, RfbEncoding.COPY_RECT);
        pixelsFor(srcX, srcY, w, h, RfbEncoding.COPY_RECT);
        if (w > 0 && h > 0) {
            framebuffer.copy(srcX, srcY, x, y, w, h);
            listener.copyRect(srcX, srcY, x, y, w, h);
        }
    }

    private void cursor(int hotX, int hotY, int w, int h, RfbListener listener) throws IOException {
        if (w > MAX_CURSOR_DIMENSION || h > MAX_CURSOR_DIMENSION) {
            throw new RfbProtocolException("the VNC server sent a " + w + "×" + h + " cursor; the limit is "
                    + MAX_CURSOR_DIMENSION + " pixels a side");
        }
        byte[] colours = in.readBytes(w * h * 4);
        int maskRow = (w + 7) / 8;
        byte[] mask = in.readBytes(maskRow * h);
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean shown = ((mask[y * maskRow + x / 8] >> (7 - x % 8)) & 1) != 0;
                argb[y * w + x] = shown ? pixel(colours, (y * w + x) * 4) : 0;
            }
        }
        listener.cursor(hotX, hotY, w, h, argb);
    }

    /** {@code reason} 0 the server, 1 this client's request, 2 another client's; {@code status} 0 done. */
    private void extendedDesktopSize(int reason, int status, int w, int h, RfbListener listener) throws IOException {
        int screens = in.readU8();
        in.skip(3);
        int[] first = null;
        for (int i = 0; i < screens; i++) {
            int id = in.readS32();
            in.skip(8);
            int flags = in.readS32();
            if (first == null) {
                first = new int[] {id, flags};
            }
        }
        if (status == 0) {
            if (first != null) {
                firstScreen = first;
            }
            resize(w, h, listener);
        }
        if (reason == 1) {
            listener.desktopSizeAnswered(status);
        }
    }

    private void resize(int w, int h, RfbListener listener) throws RfbProtocolException {
        if (w == framebuffer.width() && h == framebuffer.height()) {
            return;
        }
        try {
            framebuffer.resize(w, h);
        } catch (IllegalArgumentException e) {
            throw new RfbProtocolException("the VNC server resized its screen: " + e.getMessage());
        }
        fullUpdateNeeded.set(true);
        listener.framebufferSize(w, h);
    }

    private void colourMapEntries() throws IOException {
        in.skip(1);
        in.readU16();
        int colours = in.readU16();
        in.skip(6L * colours);
    }

    private void serverCutText(RfbListener listener) throws IOException {
        in.skip(3);
        long length = in.readU32();
        if (length > MAX_CUT_TEXT) {
            // A big copy on the remote desktop must not end the session: skip it (by reading) and carry on.
            in.skip(length);
            return;
        }
        listener.serverCutText(new String(in.readBytes((int) length), StandardCharsets.ISO_8859_1));
    }

    /** Our pixel format's 4 little-endian bytes as 0xFFRRGGBB. */
    private static int pixel(byte[] b, int off) {
        return 0xFF000000 | (b[off + 2] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off] & 0xFF);
    }
}
