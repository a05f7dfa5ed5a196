package dev.gangway.portal.desktop.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PNG encoder's output decodes with ImageIO to exactly the pixels given, for each filter's kind of content. */
class PngEncoderTest {

    @ParameterizedTest(name = "{0}x{1} {2} alpha={3}")
    @CsvSource({
        "1, 1, noise, false", "1, 1, noise, true", "3, 200, noise, false", "200, 3, flat, false",
        "97, 61, noise, false", "97, 61, noise, true", "64, 64, flat, false", "64, 64, stripes, false",
        "64, 64, gradient, false", "320, 200, gradient, true", "33, 17, stripes, true"})
    void roundTrip(int width, int height, String content, boolean alpha) throws Exception {
        Random random = new Random(width * 31L + height);
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = switch (content) {
                    case "noise" -> random.nextInt(0x1000000);
                    case "flat" -> 0x3366CC;
                    case "stripes" -> (x / 3 + y) % 2 == 0 ? 0xFFEE00 : 0x102030;
                    default -> (x * 255 / width) << 16 | (y * 255 / height) << 8 | (x + y) & 0xFF;
                };
                int a = alpha ? random.nextInt(256) : 0xFF;
                argb[y * width + x] = a << 24 | rgb;
            }
        }
        byte[] png;
        try (PngEncoder encoder = new PngEncoder(4)) {
            png = encoder.encode(argb, width, height, alpha);
            assertThat(encoder.encode(argb, width, height, alpha)).as("the encoder is reusable").isEqualTo(png);
        }
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        assertThat(image.getColorModel().hasAlpha()).isEqualTo(alpha);
        int[] decoded = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < argb.length; i++) {
            int expected = alpha ? argb[i] : 0xFF000000 | argb[i];
            if (alpha && (argb[i] >>> 24) == 0) {
                expected = 0; // fully transparent: ImageIO's sRGB conversion drops the colour
                decoded[i] &= 0xFF000000;
            }
            assertThat(decoded[i]).as("pixel %d", i).isEqualTo(expected);
        }
    }
}
