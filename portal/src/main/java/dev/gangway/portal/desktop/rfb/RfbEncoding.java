package dev.gangway.portal.desktop.rfb;

/**
 * The RFB encoding numbers this client knows (RFC 6143 section 7.7 and the IANA registry). Negative numbers are
 * pseudo-encodings: they announce a capability rather than carry pixels.
 */
public final class RfbEncoding {

    public static final int RAW = 0;
    public static final int COPY_RECT = 1;
    public static final int TIGHT = 7;
    public static final int ZRLE = 16;
    /** Tight JPEG quality level 0 is {@code JPEG_QUALITY_0}, level 9 is {@code JPEG_QUALITY_0 + 9}. */
    public static final int JPEG_QUALITY_0 = -32;
    /** Tight/ZRLE compression level 0 is {@code COMPRESS_LEVEL_0}, level 9 is {@code COMPRESS_LEVEL_0 + 9}. */
    public static final int COMPRESS_LEVEL_0 = -256;
    public static final int DESKTOP_SIZE = -223;
    public static final int LAST_RECT = -224;
    public static final int CURSOR = -239;
    public static final int EXTENDED_DESKTOP_SIZE = -308;

    private RfbEncoding() {
    }

    /** The encoding's name for messages and docs, e.g. {@code ZRLE (16)}. */
    public static String name(int encoding) {
        String name = switch (encoding) {
            case RAW -> "Raw";
            case COPY_RECT -> "CopyRect";
            case 2 -> "RRE";
            case 5 -> "Hextile";
            case 6 -> "Zlib";
            case TIGHT -> "Tight";
            case ZRLE -> "ZRLE";
            case DESKTOP_SIZE -> "DesktopSize";
            case LAST_RECT -> "LastRect";
            case CURSOR -> "Cursor";
            case EXTENDED_DESKTOP_SIZE -> "ExtendedDesktopSize";
            default -> encoding >= JPEG_QUALITY_0 && encoding <= JPEG_QUALITY_0 + 9 ? "JPEG quality"
                    : encoding >= COMPRESS_LEVEL_0 && encoding <= COMPRESS_LEVEL_0 + 9 ? "compression level"
                    : "encoding";
        };
        return name + " (" + encoding + ")";
    }
}
