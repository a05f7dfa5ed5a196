package dev.gangway.portal.desktop.rfb;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the client talks to a VNC server.
 *
 * @param encodings the pixel encodings to offer, most preferred first; any of {@link RfbEncoding#ZRLE},
 *     {@link RfbEncoding#TIGHT}, {@link RfbEncoding#COPY_RECT}, {@link RfbEncoding#RAW} (Raw is always understood,
 *     listed or not, as RFC 6143 requires)
 * @param jpegQuality Tight's JPEG quality level 0 (smallest) to 9 (best), or -1 for lossless only (the server then
 *     never sends JPEG)
 * @param compressLevel the zlib effort asked of the server, 0 to 9, or -1 for the server's default
 * @param cursor whether to ask for the cursor shape (drawn by the viewer) instead of the cursor in the pixels
 * @param shared the ClientInit shared flag: true leaves other viewers of the same server connected
 */
public record RfbSettings(List<Integer> encodings, int jpegQuality, int compressLevel, boolean cursor,
        boolean shared) {

    private static final Set<Integer> PIXEL_ENCODINGS = Set.of(RfbEncoding.ZRLE, RfbEncoding.TIGHT,
            RfbEncoding.COPY_RECT, RfbEncoding.RAW);

    public RfbSettings {
        if (encodings == null || encodings.isEmpty()) {
            throw new IllegalArgumentException("'encodings' is empty; list at least one of ZRLE (16), Tight (7), "
                    + "CopyRect (1), Raw (0)");
        }
        encodings = List.copyOf(encodings);
        Set<Integer> seen = new HashSet<>();
        for (int encoding : encodings) {
            if (!PIXEL_ENCODINGS.contains(encoding)) {
                throw new IllegalArgumentException("'encodings' holds " + encoding
                        + ", which this client cannot decode; use ZRLE (16), Tight (7), CopyRect (1), Raw (0)");
            }
            if (!seen.add(encoding)) {
                throw new IllegalArgumentException("'encodings' lists " + RfbEncoding.name(encoding) + " twice");
            }
        }
        if (jpegQuality < -1 || jpegQuality > 9) {
            throw new IllegalArgumentException("'jpegQuality' is " + jpegQuality + "; use 0 to 9, or -1 for none");
        }
        if (compressLevel < -1 || compressLevel > 9) {
            throw new IllegalArgumentException("'compressLevel' is " + compressLevel
                    + "; use 0 to 9, or -1 for the server's default");
        }
    }

    /** ZRLE, Tight, CopyRect, Raw; lossless; the server's compression level; cursor shape; shared. */
    public static RfbSettings defaults() {
        return new RfbSettings(List.of(RfbEncoding.ZRLE, RfbEncoding.TIGHT, RfbEncoding.COPY_RECT, RfbEncoding.RAW),
                -1, -1, true, true);
    }

    /** These settings offering only {@code encodings}, in that order. */
    public RfbSettings withEncodings(Integer... encodings) {
        return new RfbSettings(List.of(encodings), jpegQuality, compressLevel, cursor, shared);
    }

    /** These settings with Tight's JPEG quality level (-1: none). */
    public RfbSettings withJpegQuality(int quality) {
        return new RfbSettings(encodings, quality, compressLevel, cursor, shared);
    }

    /** The SetEncodings list: the pixel encodings, then the pseudo-encodings this client handles. */
    List<Integer> setEncodingsList() {
        List<Integer> list = new ArrayList<>(encodings);
        if (cursor) {
            list.add(RfbEncoding.CURSOR);
        }
        list.add(RfbEncoding.EXTENDED_DESKTOP_SIZE);
        list.add(RfbEncoding.DESKTOP_SIZE);
        list.add(RfbEncoding.LAST_RECT);
        if (jpegQuality >= 0) {
            list.add(RfbEncoding.JPEG_QUALITY_0 + jpegQuality);
        }
        if (compressLevel >= 0) {
            list.add(RfbEncoding.COMPRESS_LEVEL_0 + compressLevel);
        }
        return list;
    }
}
