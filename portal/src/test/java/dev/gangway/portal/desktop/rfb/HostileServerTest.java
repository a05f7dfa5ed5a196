package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Garbage from a server, at every stage: the client ends with an {@link RfbProtocolException} (or a normal return at
 * a clean end of stream), never another exception, an out-of-memory error or a hang. Seeds are fixed, so a failure
 * reproduces.
 */
class HostileServerTest {

    @Test
    void randomBytesInsteadOfAHandshake() {
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= 12) {
                System.arraycopy("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), 0, garbage, 0, 12); // get past the greeting
            }
            try {
                RfbClient client = RfbClient.connect(new ByteArrayInputStream(garbage), new ByteArrayOutputStream(),
                        RfbSettings.defaults(), PasswordSource.of("pw"));
                client.run(new RfbListener() { });
            } catch (RfbProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("seed step " + i + ": " + e, e);
            }
        }
    }

    @Test
    void randomMessagesAfterTheHandshake() throws IOException {
        Random random = new Random(2);
        for (int i = 0; i < 3000; i++) {
            byte[] garbage = new byte[random.nextInt(2000)];
            random.nextBytes(garbage);
            // a plausible message type first, so the decoders get garbage too, not only the dispatcher
            if (garbage.length > 0) {
                garbage[0] = (byte) random.nextInt(4);
            }
            runExpectingCleanEnd(64, 48, new ServerBytes().bytes(garbage), "random step " + i);
        }
    }

    @Test
    void flippedBytesInValidUpdatesOfEachEncoding() throws IOException {
        byte[][] valid = {validZrle(), validTight(), validRawAndCopy(), validCursor()};
        Random random = new Random(3);
        for (int i = 0; i < 4000; i++) {
            byte[] mutated = valid[i % valid.length].clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            int cut = random.nextInt(4) == 0 ? random.nextInt(mutated.length) : mutated.length;
            byte[] sent = Arrays.copyOf(mutated, cut);
            runExpectingCleanEnd(64, 48, new ServerBytes().bytes(sent), "mutation step " + i);
        }
    }

    private static void runExpectingCleanEnd(int w, int h, ServerBytes messages, String step) throws IOException {
        RfbSession session = new RfbSession(w, h, messages);
        try {
            session.client.run(new RfbListener() { });
        } catch (RfbProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(step + ": " + e, e);
        }
    }

    private static byte[] validZrle() {
        ServerBytes tiles = new ServerBytes().u8(1).cpixel(0x123456) // 64x48 solid
                .u8(130).cpixel(0x1).cpixel(0x2).u8(0x80, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255);
        byte[] compressed = ServerBytes.deflate(new Deflater(), tiles.toByteArray());
        return new ServerBytes().update(1).rect(0, 0, 64, 48, 16).s32(compressed.length).bytes(compressed)
                .toByteArray();
    }

    private static byte[] validTight() {
        byte[] indices = new byte[16 * 8];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (byte) (i % 3);
        }
        byte[] compressed = ServerBytes.deflate(new Deflater(), indices);
        return new ServerBytes().update(2).rect(0, 0, 8, 8, 7).u8(0x80).tpixel(0xABCDEF)
                .rect(8, 8, 16, 8, 7).u8(0x40).u8(1).u8(2).tpixel(1).tpixel(2).tpixel(3).compact(compressed.length)
                .bytes(compressed).toByteArray();
    }

    private static byte[] validRawAndCopy() {
        ServerBytes b = new ServerBytes().update(3).rect(1, 1, 2, 2, 0).pixel(1).pixel(2).pixel(3).pixel(4)
                .rect(10, 10, 2, 2, 1).u16(1, 1).rect(0, 0, 80, 60, -223);
        return b.u8(3, 0, 0, 0).s32(3).ascii("abc").u8(2).toByteArray();
    }

    private static byte[] validCursor() {
        return new ServerBytes().update(2).rect(1, 1, 2, 2, -239).pixel(1).pixel(2).pixel(3).pixel(4).u8(0xC0, 0x40)
                .rect(0, 0, 64, 48, -308).u8(1, 0, 0, 0).s32(0).u16(0, 0, 64, 48).s32(0).toByteArray();
    }
}
