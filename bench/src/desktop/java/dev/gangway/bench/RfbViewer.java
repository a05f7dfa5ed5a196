package dev.gangway.bench;

import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.rfb.PasswordSource;
import dev.gangway.portal.desktop.rfb.RfbClient;
import dev.gangway.portal.desktop.rfb.RfbEncoding;
import dev.gangway.portal.desktop.rfb.RfbListener;
import dev.gangway.portal.desktop.rfb.RfbSettings;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The raw RFB path's browser, as noVNC behind websockify works: the RFB bytes from the tunnel go to the browser as
 * they come (websockify only frames them), and the browser decodes them itself — here with the portal's
 * {@link RfbClient}, offering noVNC's encodings (CopyRect, Tight, ZRLE, Raw, Cursor; JPEG quality 6, compression
 * level 2, noVNC's defaults) and asking for the next incremental update as soon as one update was applied, as noVNC
 * does without continuous updates. Bytes to the browser are the RFB bytes from the tunnel (WebSocket framing not
 * counted).
 *
 * <p>Threads: one reader thread ({@code bench-rfb-reader}) decodes and draws; {@link #close} closes the stream.
 */
final class RfbViewer extends DesktopViewer {

    /** noVNC 1.x's default SetEncodings, as far as the portal's RFB client decodes them. */
    static final RfbSettings NOVNC = new RfbSettings(List.of(RfbEncoding.COPY_RECT, RfbEncoding.TIGHT,
            RfbEncoding.ZRLE, RfbEncoding.RAW), 6, 2, true, true);

    private final SocketTunnelStream stream;
    private final RfbClient client;
    private final Thread reader;
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final AtomicLong updates = new AtomicLong();

    private final String name;

    private RfbViewer(String name, SocketTunnelStream stream, RfbClient client) {
        this.name = name;
        this.stream = stream;
        this.client = client;
        this.reader = new Thread(this::read, "bench-rfb-reader");
    }

    /** {@code name}: {@code rfb} with {@link #NOVNC}, {@code rfb-zrle} with the portal's own RFB settings. */
    static RfbViewer start(String name, int forwarderPort, RfbSettings settings) throws IOException {
        SocketTunnelStream stream = DesktopTunnel.connectForwarder(forwarderPort);
        try {
            stream.readTimeout(20_000);
            RfbClient client = RfbClient.connect(stream.input(), stream.output(), settings, PasswordSource.NONE);
            stream.readTimeout(60_000);
            RfbViewer viewer = new RfbViewer(name, stream, client);
            viewer.reader.start();
            return viewer;
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private void read() {
        try {
            client.run(new RfbListener() {
                @Override
                public void updateDone() {
                    updates.incrementAndGet();
                    frameDrawn();
                    try {
                        client.requestUpdate(true);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            ended.compareAndSet(null, "the VNC server closed the connection");
        } catch (IOException | RuntimeException e) {
            ended.compareAndSet(null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    String name() {
        return name;
    }

    @Override
    void key(int keysym, boolean down) throws IOException {
        client.keyEvent(keysym, down);
    }

    @Override
    void pointer(int x, int y) throws IOException {
        client.pointerEvent(x, y, 0);
    }

    @Override
    int[] region(int x, int y, int w, int h) {
        int[] out = client.framebuffer().region(x, y, w, h);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xFFFFFF;
        }
        return out;
    }

    @Override
    long bytesFromDevice() {
        return stream.bytesFromDevice();
    }

    @Override
    long bytesToDevice() {
        return stream.bytesToDevice();
    }

    @Override
    long bytesToBrowser() {
        return stream.bytesFromDevice();
    }

    @Override
    long messagesToBrowser() {
        // websockify sends one WebSocket message per read from the VNC side: at least one per update
        return updates.get();
    }

    @Override
    String ended() {
        return ended.get();
    }

    @Override
    public void close() {
        ended.compareAndSet(null, "closed by the bench");
        stream.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
