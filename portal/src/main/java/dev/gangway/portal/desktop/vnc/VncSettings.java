package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.rfb.RfbSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How the embedded VNC converter draws and paces.
 *
 * @param rfb what the RFB client offers the VNC server (encodings, shared flag, ...)
 * @param jpegQuality JPEG quality 1 to 100 for regions where JPEG pays (see {@link ImageChooser}), or 0 for PNG only
 *     (lossless always)
 * @param pngLevel zlib effort of the PNG encoder, 1 (fastest) to 9 (smallest)
 * @param maxPendingSyncs frames sent but not yet acknowledged by the browser's {@code sync} before the converter
 *     stops asking the VNC server for more, 1 to 8; 1 keeps the browser at most one frame behind
 * @param passwordWait how long to wait for the user to type a VNC password the server asks for
 * @param losslessRefresh how long a region drawn as JPEG must stay unchanged before it is redrawn losslessly as PNG
 * @param resize whether a user in control may change the VNC server's screen size to the browser's (the viewer's
 *     "Fit remote" button; RFB SetDesktopSize, where the server allows it)
 */
public record VncSettings(RfbSettings rfb, int jpegQuality, int pngLevel, int maxPendingSyncs, Duration passwordWait,
        Duration losslessRefresh, boolean resize) {

    public VncSettings {
        Objects.requireNonNull(rfb, "missing 'rfb'");
        Objects.requireNonNull(passwordWait, "missing 'passwordWait'");
        Objects.requireNonNull(losslessRefresh, "missing 'losslessRefresh'");
        if (jpegQuality < 0 || jpegQuality > 100) {
            throw new IllegalArgumentException("'jpegQuality' is " + jpegQuality + "; use 1 to 100, or 0 for PNG "
                    + "only");
        }
        if (pngLevel < 1 || pngLevel > 9) {
            throw new IllegalArgumentException("'pngLevel' is " + pngLevel + "; use 1 (fastest) to 9 (smallest)");
        }
        if (maxPendingSyncs < 1 || maxPendingSyncs > 8) {
            throw new IllegalArgumentException("'maxPendingSyncs' is " + maxPendingSyncs + "; use 1 to 8");
        }
        if (passwordWait.isNegative() || passwordWait.isZero()) {
            throw new IllegalArgumentException("'passwordWait' must be positive");
        }
        if (losslessRefresh.isNegative()) {
            throw new IllegalArgumentException("'losslessRefresh' must not be negative");
        }
    }

    /**
     * RFB defaults; JPEG quality 80 where it pays; PNG level 4; one frame in flight; 2 min password; 1 s refresh;
     * resizing allowed.
     */
    public static VncSettings defaults() {
        return new VncSettings(RfbSettings.defaults(), 80, 4, 1, Duration.ofMinutes(2), Duration.ofSeconds(1), true);
    }

    /** These settings with PNG only (lossless; what the pixel-exact tests use). */
    public VncSettings losslessOnly() {
        return new VncSettings(rfb, 0, pngLevel, maxPendingSyncs, passwordWait, losslessRefresh, resize);
    }

    public VncSettings withRfb(RfbSettings settings) {
        return new VncSettings(settings, jpegQuality, pngLevel, maxPendingSyncs, passwordWait, losslessRefresh, resize);
    }

    public VncSettings withPasswordWait(Duration wait) {
        return new VncSettings(rfb, jpegQuality, pngLevel, maxPendingSyncs, wait, losslessRefresh, resize);
    }

    public VncSettings withJpegQuality(int quality) {
        return new VncSettings(rfb, quality, pngLevel, maxPendingSyncs, passwordWait, losslessRefresh, resize);
    }

    public VncSettings withResize(boolean allowed) {
        return new VncSettings(rfb, jpegQuality, pngLevel, maxPendingSyncs, passwordWait, losslessRefresh, allowed);
    }

    public VncSettings withMaxPendingSyncs(int max) {
        return new VncSettings(rfb, jpegQuality, pngLevel, max, passwordWait, losslessRefresh, resize);
    }
}
