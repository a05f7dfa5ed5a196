package dev.gangway.agent.demohmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo VNC panel against a minimal RFB viewer written here from RFC 6143. */
class DemoVncServerTest {

    DemoVncServer server;

    @BeforeEach
    void start() throws IOException {
        server = DemoVncServer.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aViewerSeesThePanelAndOperatesIt() throws IOException {
        try (Viewer viewer = Viewer.connect(server, "RFB 003.008\n")) {
            int[] screen = viewer.fullUpdate();
            assertThat(screen[5 * PanelPainter.WIDTH + 700]).isEqualTo(0x111822);
            assertThat(screen[(PanelPainter.BUTTON.y + 5) * PanelPainter.WIDTH + PanelPainter.BUTTON.x + 20])
                    .isEqualTo(PanelPainter.STOPPED.getRGB() & 0xFFFFFF);

            viewer.click(PanelPainter.BUTTON.x + 20, PanelPainter.BUTTON.y + 20);
            viewer.key('O');
            viewer.key('K');
            viewer.cutText("from the office");
            int[] after = viewer.fullUpdate();

            assertThat(after[(PanelPainter.BUTTON.y + 5) * PanelPainter.WIDTH + PanelPainter.BUTTON.x + 20])
                    .isEqualTo(PanelPainter.RUNNING.getRGB() & 0xFFFFFF);
            assertThat(server.state().running()).isFalse();
            assertThat(server.state().typed()).isEqualTo("OK");
            assertThat(server.state().clipboard()).isEqualTo("from the office");
        }
    }

    @Test
    void incrementalUpdatesCarryOnlyChangedTilesInTheViewersPixelFormat() throws IOException {
        try (Viewer viewer = Viewer.connect(server, "RFB 003.003\n")) {
            viewer.setBigEndianBgr();
            viewer.fullUpdate();
            viewer.key('x');
            viewer.request(true);
            int rects = viewer.readUpdateHeader();
            assertThat(rects).isBetween(1, (PanelPainter.WIDTH / 32) * (PanelPainter.HEIGHT / 32) - 1);
            int[] first = viewer.readRect();
            assertThat(first[2]).isLessThanOrEqualTo(32);
            viewer.skipRects(rects - 1, first);
        }
    }

    @Test
    void hostileBytesEndOnlyThatViewer() throws IOException {
        Random random = new Random(4);
        for (int i = 0; i < 50; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
                socket.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                in.readNBytes(12);
                byte[] junk = new byte[random.nextInt(200)];
                random.nextBytes(junk);
                if (i % 2 == 0) {
                    socket.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(new byte[] {1, 0});
                }
                socket.getOutputStream().write(junk);
                socket.shutdownOutput();
                drain(in);
            }
        }
        try (Viewer viewer = Viewer.connect(server, "RFB 003.007\n")) {
            assertThat(viewer.fullUpdate()).hasSize(PanelPainter.WIDTH * PanelPainter.HEIGHT);
        }
    }

    private static void drain(DataInputStream in) throws IOException {
        try {
            while (in.read(new byte[4096]) >= 0) {
                // the server answers what it can, then hangs up
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor hung up on hostile bytes", e);
        } catch (IOException e) {
            // reset by the server: fine
        }
    }

    /** Just enough of an RFB viewer: handshake, full updates in Raw, input messages. */
    private static final class Viewer implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private boolean bigEndianBgr;

        private Viewer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        static Viewer connect(DemoVncServer server, String version) throws IOException {
            Socket socket = new Socket("127.0.0.1", server.localAddress().getPort());
            socket.setSoTimeout(10_000);
            Viewer viewer = new Viewer(socket);
            assertThat(new String(viewer.in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
            viewer.out.write(version.getBytes(StandardCharsets.US_ASCII));
            if (version.endsWith("3\n")) {
                assertThat(viewer.in.readInt()).isEqualTo(1);
            } else {
                assertThat(viewer.in.readNBytes(2)).containsExactly(1, 1);
                viewer.out.writeByte(1);
                if (version.endsWith("8\n")) {
                    assertThat(viewer.in.readInt()).isZero();
                }
            }
            viewer.out.writeByte(1);
            assertThat(viewer.in.readUnsignedShort()).isEqualTo(PanelPainter.WIDTH);
            assertThat(viewer.in.readUnsignedShort()).isEqualTo(PanelPainter.HEIGHT);
            viewer.in.readNBytes(16);
            viewer.in.readNBytes(viewer.in.readInt());
            return viewer;
        }

        void setBigEndianBgr() throws IOException {
            out.write(new byte[] {0, 0, 0, 0, 32, 24, 1, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 0, 8, 16,
                0, 0, 0});
            bigEndianBgr = true;
        }

        void request(boolean incremental) throws IOException {
            out.write(new byte[] {3, (byte) (incremental ? 1 : 0), 0, 0, 0, 0});
            out.writeShort(PanelPainter.WIDTH);
            out.writeShort(PanelPainter.HEIGHT);
        }

        int readUpdateHeader() throws IOException {
            assertThat(in.readUnsignedByte()).isZero();
            in.readUnsignedByte();
            return in.readUnsignedShort();
        }

        int[] readRect() throws IOException {
            int[] rect = {in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort(),
                in.readUnsignedShort()};
            assertThat(in.readInt()).isZero();
            return rect;
        }

        void skipRects(int count, int[] first) throws IOException {
            in.skipNBytes(4L * first[2] * first[3]);
            for (int i = 0; i < count; i++) {
                int[] rect = readRect();
                in.skipNBytes(4L * rect[2] * rect[3]);
            }
        }

        int[] fullUpdate() throws IOException {
            request(false);
            int rects = readUpdateHeader();
            int[] screen = new int[PanelPainter.WIDTH * PanelPainter.HEIGHT];
            for (int r = 0; r < rects; r++) {
                int[] rect = readRect();
                for (int y = rect[1]; y < rect[1] + rect[3]; y++) {
                    for (int x = rect[0]; x < rect[0] + rect[2]; x++) {
                        byte[] p = in.readNBytes(4);
                        if (p.length < 4) {
                            throw new EOFException();
                        }
                        screen[y * PanelPainter.WIDTH + x] = bigEndianBgr
                                ? (p[3] & 0xFF) << 16 | (p[2] & 0xFF) << 8 | p[1] & 0xFF
                                : (p[2] & 0xFF) << 16 | (p[1] & 0xFF) << 8 | p[0] & 0xFF;
                    }
                }
            }
            return screen;
        }

        void click(int x, int y) throws IOException {
            pointer(1, x, y);
            pointer(0, x, y);
        }

        private void pointer(int buttons, int x, int y) throws IOException {
            out.writeByte(5);
            out.writeByte(buttons);
            out.writeShort(x);
            out.writeShort(y);
        }

        void key(int keysym) throws IOException {
            for (int down = 1; down >= 0; down--) {
                out.write(new byte[] {4, (byte) down, 0, 0});
                out.writeInt(keysym);
            }
        }

        void cutText(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            out.write(new byte[] {6, 0, 0, 0});
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
