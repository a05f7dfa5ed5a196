package dev.gangway.portal.desktop.rfb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;

/** A client connected to a scripted server (3.8, None, the given screen), and what it sent after the handshake. */
final class RfbSession {

    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    final RecordingListener listener = new RecordingListener();
    final RfbClient client;
    private final int handshakeBytes;

    /** {@code messages} are what the server sends after its ServerInit. */
    RfbSession(int width, int height, ServerBytes messages) throws IOException {
        this(width, height, messages, RfbSettings.defaults());
    }

    RfbSession(int width, int height, ServerBytes messages, RfbSettings settings) throws IOException {
        ServerBytes all = new ServerBytes().noneHandshake(width, height).bytes(messages.toByteArray());
        client = RfbClient.connect(new ByteArrayInputStream(all.toByteArray()), sent, settings, PasswordSource.NONE);
        handshakeBytes = sent.size();
    }

    /** Runs the client until the scripted stream ends. */
    RfbSession run() throws IOException {
        client.run(listener);
        return this;
    }

    Framebuffer framebuffer() {
        return client.framebuffer();
    }

    /** What the client sent after the handshake, SetPixelFormat and SetEncodings, in hex. */
    String sentAfterHandshake() {
        byte[] all = sent.toByteArray();
        return HexFormat.of().formatHex(all, handshakeBytes, all.length);
    }
}
