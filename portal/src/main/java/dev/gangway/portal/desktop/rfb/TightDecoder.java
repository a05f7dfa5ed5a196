package dev.gangway.portal.desktop.rfb;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Tight (encoding 7): per rectangle a compression-control byte (which of the four zlib streams to reset, and the
 * method), then a fill colour, a JPEG image, or "basic" data through one of the four streams with the copy, palette
 * or gradient filter. With our pixel format a TPIXEL is 3 bytes: red, green, blue. Data shorter than 12 bytes comes
 * uncompressed; lengths use Tight's 1-3 byte compact form (below 4 MiB by construction).
 *
 * <p>Not thread-safe; owned by the reader thread. {@link #close} frees the inflaters.
 */
final class TightDecoder implements AutoCloseable {

    private static final int MIN_TO_COMPRESS = 12;
    private static final int FILL = 0x8;
    private static final int JPEG = 0x9;
    private static final int FILTER_COPY = 0;
    private static final int FILTER_PALETTE = 1;
    private static final int FILTER_GRADIENT = 2;

    private final ZlibStream[] streams = new ZlibStream[4];
    private final int[] palette = new int[256];
    private byte[] data = new byte[0];
    private final boolean jpegOffered;

    /** {@code jpegOffered}: a JPEG quality level was asked for; without one a JPEG rectangle breaks the protocol. */
    TightDecoder(boolean jpegOffered) {
        this.jpegOffered = jpegOffered;
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new ZlibStream("Tight");
        }
    }

    void decode(RfbInput in, int w, int h, int[] dst) throws IOException {
        int control = in.readU8();
        for (int i = 0; i < streams.length; i++) {
            if ((control & (1 << i)) != 0) {
                streams[i].reset();
            }
        }
        int method = control >> 4;
        if (method == FILL) {
            int colour = tpixel(in.readBytes(3), 0);
            for (int i = 0; i < w * h; i++) {
                dst[i] = colour;
            }
        } else if (method == JPEG) {
            if (!jpegOffered) {
                // the image decoder never sees data the client did not ask for
                throw new RfbProtocolException("the VNC server sent a Tight JPEG rectangle, which this client did "
                        + "not ask for (lossless only)");
            }
            jpeg(in.readBytes(compactLength(in)), w, h, dst);
        } else if ((method & 0x8) == 0) {
            basic(in, method, w, h, dst);
        } else {
            throw new RfbProtocolException("the VNC server sent a Tight rectangle with the unknown compression "
                    + "method " + method);
        }
    }

    private void basic(RfbInput in, int method, int w, int h, int[] dst) throws IOException {
        ZlibStream stream = streams[method & 0x3];
        int filter = (method & 0x4) != 0 ? in.readU8() : FILTER_COPY;
        int area = w * h;
        switch (filter) {
            case FILTER_COPY -> {
                byte[] rgb = read(in, stream, area * 3);
                for (int i = 0; i < area; i++) {
                    dst[i] = tpixel(rgb, i * 3);
                }
            }
            case FILTER_PALETTE -> palette(in, stream, w, h, dst);
            case FILTER_GRADIENT -> gradient(read(in, stream, area * 3), w, h, dst);
            default -> throw new RfbProtocolException("the VNC server sent a Tight rectangle with the unknown "
                    + "filter " + filter);
        }
    }

    private void palette(RfbInput in, ZlibStream stream, int w, int h, int[] dst) throws IOException {
        int size = in.readU8() + 1;
        byte[] colours = in.readBytes(size * 3);
        for (int i = 0; i < size; i++) {
            palette[i] = tpixel(colours, i * 3);
        }
        if (size == 2) {
            int rowBytes = (w + 7) / 8;
            byte[] bits = read(in, stream, rowBytes * h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int bit = (bits[y * rowBytes + x / 8] >> (7 - x % 8)) & 1;
                    dst[y * w + x] = palette[bit];
                }
            }
        } else {
            byte[] indices = read(in, stream, w * h);
            for (int i = 0; i < w * h; i++) {
                int index = indices[i] & 0xFF;
                if (index >= size) {
                    throw new RfbProtocolException("the VNC server sent a Tight palette index " + index
                            + " for a palette of " + size + " colours");
                }
                dst[i] = palette[index];
            }
        }
    }

    /** Each channel was sent as the difference to left + above - above-left, clamped to 0..255 (modulo 256). */
    private static void gradient(byte[] diff, int w, int h, int[] dst) {
        int[] above = new int[w * 3];
        int[] row = new int[w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int i = x * 3 + c;
                    int left = x > 0 ? row[i - 3] : 0;
                    int upLeft = x > 0 ? above[i - 3] : 0;
                    int predicted = Math.max(0, Math.min(255, left + above[i] - upLeft));
                    row[i] = (predicted + diff[(y * w + x) * 3 + c]) & 0xFF;
                }
                dst[y * w + x] = 0xFF000000 | row[x * 3] << 16 | row[x * 3 + 1] << 8 | row[x * 3 + 2];
            }
            int[] t = above;
            above = row;
            row = t;
        }
    }

    private static void jpeg(byte[] jpeg, int w, int h, int[] dst) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new RfbProtocolException("this JVM cannot decode JPEG, which the VNC server sent");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream image = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(image, true, true);
            if (reader.getWidth(0) != w || reader.getHeight(0) != h) {
                throw new RfbProtocolException("the VNC server sent a " + reader.getWidth(0) + "×"
                        + reader.getHeight(0) + " JPEG image for a " + w + "×" + h + " rectangle");
            }
            BufferedImage decoded = reader.read(0);
            decoded.getRGB(0, 0, w, h, dst, 0, w);
        } catch (RfbProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new RfbProtocolException("the VNC server sent a JPEG image that cannot be decoded (" + e + ")", e);
        } finally {
            reader.dispose();
        }
        for (int i = 0; i < w * h; i++) {
            dst[i] |= 0xFF000000;
        }
    }

    /** {@code length} bytes of filtered data: as they are below 12 bytes, else inflated from {@code stream}. */
    private byte[] read(RfbInput in, ZlibStream stream, int length) throws IOException {
        if (data.length < length) {
            data = new byte[length];
        }
        if (length < MIN_TO_COMPRESS) {
            in.readFully(data, 0, length);
        } else {
            stream.begin(in, compactLength(in));
            stream.readFully(data, 0, length);
            stream.end();
        }
        return data;
    }

    static int compactLength(RfbInput in) throws IOException {
        int b = in.readU8();
        int length = b & 0x7F;
        if ((b & 0x80) != 0) {
            b = in.readU8();
            length |= (b & 0x7F) << 7;
            if ((b & 0x80) != 0) {
                length |= in.readU8() << 14;
            }
        }
        return length;
    }

    private static int tpixel(byte[] b, int off) {
        return 0xFF000000 | (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF);
    }

    @Override
    public void close() {
        for (ZlibStream stream : streams) {
            stream.close();
        }
    }
}
