package dev.gangway.portal.desktop.rfb;

/**
 * What the VNC server shows, as {@link RfbClient#run} decodes it. Every call comes on the client's reader thread, in
 * wire order, after the {@link Framebuffer} already holds the change; a listener that is slow slows the reading
 * (which is the point: the server merges changes until the next update request).
 *
 * <p>Arrays passed in are the client's scratch buffers: valid only during the call. An exception thrown by a listener
 * ends {@code run} with that exception. All methods do nothing by default.
 */
public interface RfbListener {

    /**
     * A FramebufferUpdate begins: nothing of it is in the {@link Framebuffer} yet. Lets a converter that reads the
     * framebuffer from another thread know when the screen is about to change.
     */
    default void updateStart() {
    }

    /** The screen is (now) {@code width × height}, all black until updates paint it; first call of every session. */
    default void framebufferSize(int width, int height) {
    }

    /**
     * New pixels for a region.
     *
     * @param argb {@code 0xFFRRGGBB} pixels, row after row, {@code width} per row, starting at index 0 (the array may
     *     be longer than {@code width * height})
     */
    default void rectangle(int x, int y, int width, int height, int[] argb) {
    }

    /** The region at (srcX, srcY) was copied to (x, y) (CopyRect: scrolling, moved windows). */
    default void copyRect(int srcX, int srcY, int x, int y, int width, int height) {
    }

    /**
     * The cursor's new shape. A 0×0 cursor means "no cursor".
     *
     * @param argb pixels with alpha 0xFF where the cursor is drawn and 0 where it is transparent, {@code width} per
     *     row
     */
    default void cursor(int hotX, int hotY, int width, int height, int[] argb) {
    }

    /** The server's clipboard changed (RFB carries Latin-1 text only). */
    default void serverCutText(String text) {
    }

    default void bell() {
    }

    /**
     * The server answered this client's {@link RfbClient#requestDesktopSize}: {@code status} 0 done (a
     * {@link #framebufferSize} call came before this one), 1 resizing is prohibited, 2 out of resources, 3 the layout
     * is invalid (RFB ExtendedDesktopSize status codes).
     */
    default void desktopSizeAnswered(int status) {
    }

    /**
     * The end of one FramebufferUpdate: the framebuffer is consistent now. Ask for the next update with
     * {@link RfbClient#requestUpdate} when ready for it.
     */
    default void updateDone() {
    }
}
