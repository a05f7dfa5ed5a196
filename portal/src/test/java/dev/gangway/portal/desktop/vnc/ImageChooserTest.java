package dev.gangway.portal.desktop.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PNG/JPEG choice: JPEG only for large, changing, colourful regions where it is much smaller. */
class ImageChooserTest {

    private static int[] noise(int n) {
        Random random = new Random(7);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = 0xFF000000 | random.nextInt(0x1000000);
        }
        return p;
    }

    /** A user interface: flat panels, a few colours of text. */
    private static int[] panel(int w, int h) {
        int[] p = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = y < 20 ? 0xFF2A6099 : (x / 4 + y / 9) % 7 == 0 ? 0xFF000000 : 0xFFEEEEEE;
            }
        }
        return p;
    }

    @Test
    void photosThatChangeGoAsJpeg() {
        try (ImageChooser chooser = new ImageChooser(80, 4)) {
            assertThat(chooser.encode(noise(256 * 256), 256, 256, true).mimetype()).isEqualTo("image/jpeg");
        }
    }

    @Test
    void everythingElseIsPng() {
        try (ImageChooser chooser = new ImageChooser(80, 4)) {
            assertThat(chooser.encode(noise(256 * 256), 256, 256, false).mimetype()).as("not changing")
                    .isEqualTo("image/png");
            assertThat(chooser.encode(noise(100 * 100), 100, 100, true).mimetype()).as("small")
                    .isEqualTo("image/png");
            assertThat(chooser.encode(noise(2000 * 20), 2000, 20, true).mimetype()).as("a thin strip")
                    .isEqualTo("image/png");
            assertThat(chooser.encode(panel(400, 300), 400, 300, true).mimetype()).as("few colours")
                    .isEqualTo("image/png");
        }
        try (ImageChooser chooser = new ImageChooser(0, 4)) {
            assertThat(chooser.encode(noise(256 * 256), 256, 256, true).mimetype()).as("JPEG off")
                    .isEqualTo("image/png");
        }
    }

    @Test
    void inBetweenJpegMustBeHalfThePng() {
        // 2,000 colours: a smooth gradient (JPEG far smaller) and sharp random blocks (JPEG not worth it)
        int w = 256;
        int h = 256;
        int[] gradient = new int[w * h];
        int[] blocks = new int[w * h];
        Random random = new Random(3);
        int[] palette = new int[2000];
        for (int i = 0; i < palette.length; i++) {
            palette[i] = 0xFF000000 | random.nextInt(0x1000000);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                gradient[y * w + x] = 0xFF000000 | (x * 2000 / w / 40) << 16 | (y * 2000 / h / 50) << 8 | (x + y) / 8;
                blocks[y * w + x] = palette[((y / 8) * (w / 8) + x / 8) * 7 % palette.length];
            }
        }
        assertThat(ImageChooser.distinctColours(blocks, w * h, 10_000)).isBetween(ImageChooser.FEW_COLOURS,
                ImageChooser.MANY_COLOURS - 1);
        try (ImageChooser chooser = new ImageChooser(80, 4)) {
            ImageChooser.Image image = chooser.encode(blocks, w, h, true);
            byte[] png = chooser.png(blocks, w, h).data();
            if (image.lossy()) {
                assertThat(image.data().length * 2).isLessThanOrEqualTo(png.length);
            } else {
                assertThat(image.data()).isEqualTo(png);
            }
        }
    }

    @Test
    void countsDistinctColoursUpToTheCap() {
        assertThat(ImageChooser.distinctColours(new int[] {1, 1, 2, 1, 3, 0xFF000001}, 6, 100)).isEqualTo(3);
        assertThat(ImageChooser.distinctColours(noise(10_000), 10_000, 500)).isEqualTo(500);
        assertThat(ImageChooser.distinctColours(new int[0], 0, 10)).isZero();
    }
}
