package dev.gangway.portal.desktop.vnc;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes a screen region as PNG (lossless) or, where it pays, JPEG. The heuristic, in order:
 * <ol>
 *   <li>PNG unless JPEG is enabled, the caller allows lossy (the region is changing: it overlaps what the previous
 *       frame drew, so a lossy picture is soon replaced, and the session redraws it as PNG once it stays still) and
 *       the region has at least {@value #JPEG_MIN_PIXELS} pixels, 32 a side;</li>
 *   <li>PNG when the region has fewer than {@value #FEW_COLOURS} distinct colours (user interfaces, text, HMI
 *       screens: PNG is small and exact there);</li>
 *   <li>JPEG when it has {@value #MANY_COLOURS} or more (photos, video, gradients: PNG is several times larger);</li>
 *   <li>in between, both are made and JPEG is sent only if it is at most half the PNG's size.</li>
 * </ol>
 * WebP would beat both, but the JDK's ImageIO has no WebP writer and the portal takes no native library for it.
 * One instance per session; not thread-safe.
 */
final class ImageChooser implements AutoCloseable {

    static final int JPEG_MIN_PIXELS = 128 * 128;
    static final int FEW_COLOURS = 1024;
    static final int MANY_COLOURS = 4096;

    /** An encoded region: {@code image/png} or {@code image/jpeg}. */
    record Image(String mimetype, byte[] data) {
        boolean lossy() {
            return mimetype.equals("image/jpeg");
        }
    }

    private final int jpegQuality;
    private final PngEncoder png;
    private ImageWriter jpegWriter;

    ImageChooser(int jpegQuality, int pngLevel) {
        this.jpegQuality = jpegQuality;
        this.png = new PngEncoder(pngLevel);
    }

    Image encode(int[] argb, int width, int height, boolean lossyAllowed) {
        if (jpegQuality == 0 || !lossyAllowed || (long) width * height < JPEG_MIN_PIXELS || width < 32
                || height < 32) {
            return png(argb, width, height);
        }
        int colours = distinctColours(argb, width * height, MANY_COLOURS);
        if (colours < FEW_COLOURS) {
            return png(argb, width, height);
        }
        Image jpeg = new Image("image/jpeg", jpeg(argb, width, height));
        if (colours >= MANY_COLOURS) {
            return jpeg;
        }
        Image lossless = png(argb, width, height);
        return jpeg.data().length * 2 <= lossless.data().length ? jpeg : lossless;
    }

    Image png(int[] argb, int width, int height) {
        return new Image("image/png", png.encode(argb, width, height, false));
    }

    /** The cursor: PNG with its alpha channel. */
    Image pngWithAlpha(int[] argb, int width, int height) {
        return new Image("image/png", png.encode(argb, width, height, true));
    }

    /** How many distinct colours the first {@code n} pixels hold, counting up to {@code cap}. */
    static int distinctColours(int[] argb, int n, int cap) {
        int size = Integer.highestOneBit(cap) * 4;
        int[] table = new int[size];
        boolean[] used = new boolean[size];
        int count = 0;
        int last = 0;
        boolean first = true;
        for (int i = 0; i < n; i++) {
            int c = argb[i] & 0xFFFFFF;
            if (!first && c == last) {
                continue;
            }
            first = false;
            last = c;
            int h = (c * 0x9E3779B1) >>> 7 & (size - 1);
            while (used[h] && table[h] != c) {
                h = (h + 1) & (size - 1);
            }
            if (!used[h]) {
                used[h] = true;
                table[h] = c;
                if (++count >= cap) {
                    return count;
                }
            }
        }
        return count;
    }

    private byte[] jpeg(int[] argb, int width, int height) {
        DirectColorModel rgb = new DirectColorModel(24, 0xFF0000, 0xFF00, 0xFF);
        DataBufferInt buffer = new DataBufferInt(argb, width * height);
        WritableRaster raster = Raster.createWritableRaster(new SinglePixelPackedSampleModel(
                buffer.getDataType(), width, height, rgb.getMasks()), buffer, null);
        BufferedImage image = new BufferedImage(rgb, raster, false, null);
        if (jpegWriter == null) {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            jpegWriter = writers.next();
        }
        ImageWriteParam param = jpegWriter.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(jpegQuality / 100f);
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 8);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            jpegWriter.setOutput(stream);
            jpegWriter.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed in memory", e);
        } finally {
            jpegWriter.reset();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        png.close();
        if (jpegWriter != null) {
            jpegWriter.dispose();
        }
    }
}
