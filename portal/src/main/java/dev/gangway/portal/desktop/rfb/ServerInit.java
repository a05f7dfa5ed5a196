package dev.gangway.portal.desktop.rfb;

/**
 * What the VNC server said after the handshake: the screen size, its native pixel format (informational; the
 * client asks for {@link PixelFormat#ARGB32}), the desktop name, and the RFB version both sides agreed on.
 *
 * @param width the screen width in pixels (1 to {@link Framebuffer#MAX_DIMENSION})
 * @param height the screen height in pixels
 * @param serverPixelFormat the server's preferred pixel format
 * @param name the desktop name (may be empty; control characters removed)
 * @param version the agreed version: {@code "3.3"}, {@code "3.7"} or {@code "3.8"}
 */
public record ServerInit(int width, int height, PixelFormat serverPixelFormat, String name, String version) {
}
