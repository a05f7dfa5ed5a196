package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of everything the client reads from a VNC server (SECURITY.md 15). In every build the
 * stored inputs under {@code src/test/resources/.../RfbFuzzTestInputs/<method>/} run as regression cases (valid
 * updates of each encoding, and every crash ever found, kept there); {@code JAZZER_FUZZ=1} with
 * {@code -Dtest=RfbFuzzTest} fuzzes for real (docs/desktop.md). The property: the client ends with an
 * {@link RfbProtocolException} in words or a clean return, never another exception, an out-of-memory error or a hang.
 */
class RfbFuzzTest {

    /** The server's bytes from its greeting on. */
    @FuzzTest(maxDuration = "60s")
    void handshake(byte[] server) {
        try {
            RfbClient client = RfbClient.connect(new ByteArrayInputStream(server), new ByteArrayOutputStream(),
                    RfbSettings.defaults(), PasswordSource.of("pw"));
            client.run(new RfbListener() { });
        } catch (RfbProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("not an RfbProtocolException: " + e, e);
        }
    }

    /** The server's messages after a valid handshake of a 64×48 screen. */
    @FuzzTest(maxDuration = "60s")
    void updates(byte[] messages) throws IOException {
        RfbSession session = new RfbSession(64, 48, new ServerBytes().bytes(messages));
        try {
            session.client.run(new RfbListener() { });
        } catch (RfbProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
