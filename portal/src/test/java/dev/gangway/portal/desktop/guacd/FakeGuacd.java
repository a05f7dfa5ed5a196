package dev.gangway.portal.desktop.guacd;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * The server side of the Guacamole protocol as guacd speaks it, for the contract tests: accepts one connection on
 * loopback, hands every instruction it receives to the test ({@link #next}) and writes what the test tells it to
 * ({@link #send}). The test plays guacd's part step by step: answer {@code select} with {@code args}, read the
 * handshake, connect to the splice named in {@code connect}, send {@code ready}, and so on.
 */
final class FakeGuacd implements AutoCloseable {

    /** guacd 1.5/1.6's VNC arguments (with the repeater, PulseAudio and listen options built in, without SFTP). */
    static final List<String> VNC_ARGS = List.of("VERSION_1_5_0", "hostname", "port", "read-only",
            "disable-display-resize", "encodings", "username", "password", "swap-red-blue", "color-depth", "cursor",
            "autoretry", "clipboard-encoding", "dest-host", "dest-port", "enable-audio", "audio-servername",
            "reverse-connect", "listen-timeout", "recording-path", "recording-name", "recording-exclude-output",
            "recording-exclude-mouse", "recording-include-keys", "create-recording-path", "recording-write-existing",
            "disable-copy", "disable-paste", "disable-server-input", "wol-send-packet", "wol-mac-addr",
            "wol-broadcast-addr", "wol-udp-port", "wol-wait-time", "force-lossless", "compress-level",
            "quality-level");

    /** guacd 1.5/1.6's RDP arguments (without SFTP). */
    static final List<String> RDP_ARGS = List.of("VERSION_1_5_0", "hostname", "port", "timeout", "domain",
            "username", "password", "width", "height", "dpi", "initial-program", "color-depth", "disable-audio",
            "enable-printing", "printer-name", "enable-drive", "drive-name", "drive-path", "create-drive-path",
            "disable-download", "disable-upload", "console", "console-audio", "server-layout", "security",
            "ignore-cert", "cert-tofu", "cert-fingerprints", "disable-auth", "remote-app", "remote-app-dir",
            "remote-app-args", "static-channels", "client-name", "enable-wallpaper", "enable-theming",
            "enable-font-smoothing", "enable-full-window-drag", "enable-desktop-composition",
            "enable-menu-animations", "disable-bitmap-caching", "disable-offscreen-caching", "disable-glyph-caching",
            "disable-gfx", "preconnection-id", "preconnection-blob", "timezone", "recording-path", "recording-name",
            "recording-exclude-output", "recording-exclude-mouse", "recording-exclude-touch",
            "recording-include-keys", "create-recording-path", "recording-write-existing", "resize-method",
            "enable-audio-input", "enable-touch", "read-only", "gateway-hostname", "gateway-port", "gateway-domain",
            "gateway-username", "gateway-password", "load-balance-info", "disable-copy", "disable-paste",
            "wol-send-packet", "wol-mac-addr", "wol-broadcast-addr", "wol-udp-port", "wol-wait-time",
            "force-lossless", "normalize-clipboard");

    private final ServerSocket listener;
    private final BlockingQueue<GuacamoleInstruction> received = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile Socket connection;
    private volatile Writer writer;
    private volatile boolean ended;

    FakeGuacd() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        reader = new Thread(this::serve, "test-fake-guacd");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        try (Socket socket = listener.accept()) {
            connection = socket;
            writer = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
            InstructionReader in = new InstructionReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            List<GuacamoleInstruction> batch;
            while (!(batch = in.read()).isEmpty()) {
                received.addAll(batch);
            }
        } catch (IOException e) {
            // the portal closed the connection, or the test did
        } finally {
            ended = true;
        }
    }

    /** The next instruction the portal sent (waits up to 20 s). */
    GuacamoleInstruction next() throws InterruptedException {
        GuacamoleInstruction instruction = received.poll(20, TimeUnit.SECONDS);
        if (instruction == null) {
            throw new AssertionError("the portal sent guacd nothing more within 20 s");
        }
        return instruction;
    }

    /** Whether the portal sent nothing more for a moment (used after view-only drops: the next real one follows). */
    GuacamoleInstruction poll() {
        return received.poll();
    }

    void send(String encoded) throws IOException {
        Writer w = writer;
        w.write(encoded);
        w.flush();
    }

    void send(GuacamoleInstruction instruction) throws IOException {
        send(instruction.toString());
    }

    /** Whether the portal's connection ended. */
    boolean ended() {
        return ended;
    }

    /** Ends the connection the way a crashed guacd does. */
    void drop() throws IOException {
        Socket c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        drop();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
