package dev.gangway.portal.desktop.rfb;

import dev.gangway.portal.MachineTools;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real TigerVNC Xvnc on loopback for the client's integration tests, with X clients started on its display and the
 * X server's own view of the screen ({@code xwd -root}). {@link #close} kills every process it started and checks
 * none is left. Used by the RFB client's and the VNC converter's tests.
 */
public final class XvncServer implements AutoCloseable {

    static final Path XVNC = Path.of("/usr/bin/Xvnc");

    public final int display;
    public final int port;
    private final Path dir;
    private final Process xvnc;
    private final List<Process> clients = new ArrayList<>();

    private XvncServer(int display, int port, Path dir, Process xvnc) {
        this.display = display;
        this.port = port;
        this.dir = dir;
        this.xvnc = xvnc;
    }

    /** Skips the test without Xvnc (or the given tools), except in CI (CI=true), where it fails instead. */
    public static void assumeInstalled(String... tools) {
        List<String> all = new ArrayList<>(List.of(XVNC.toString()));
        all.addAll(List.of(tools));
        MachineTools.requireInstalled(all, "apt-get install tigervnc-standalone-server tigervnc-tools xterm x11-apps");
    }

    /** Starts Xvnc with a {@code width × height × 24} screen on a free display and loopback port. */
    public static XvncServer start(Path dir, int width, int height, String... securityArgs) throws IOException,
            InterruptedException {
        int display = freeDisplay();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(XVNC.toString(), ":" + display, "-geometry",
                width + "x" + height, "-depth", "24", "-rfbport", Integer.toString(port), "-interface", "127.0.0.1",
                "-nolisten", "tcp", "-UseBlacklist=0"));
        command.addAll(List.of(securityArgs));
        Process xvnc = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("xvnc-" + display + ".log").toFile()).start();
        XvncServer server = new XvncServer(display, port, dir, xvnc);
        try {
            server.awaitPort();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static int freeDisplay() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int n = ThreadLocalRandom.current().nextInt(100, 900);
            if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free X display number between 100 and 900");
    }

    /** Waits until Xvnc accepts connections (it reads the RFB greeting to be sure it is Xvnc). */
    private void awaitPort() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            if (!xvnc.isAlive()) {
                throw new IOException("Xvnc :" + display + " exited with " + xvnc.exitValue() + ": "
                        + Files.readString(dir.resolve("xvnc-" + display + ".log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(5000);
                byte[] greeting = s.getInputStream().readNBytes(4);
                if (new String(greeting, StandardCharsets.US_ASCII).equals("RFB ")) {
                    return;
                }
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Xvnc :" + display + " did not accept connections on port " + port, notYet);
                }
            }
            Thread.sleep(50);
        }
    }

    public Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** Starts an X client on this display; it is killed by {@link #close}. */
    public Process startClient(String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("client-" + clients.size() + ".log").toFile());
        builder.environment().put("DISPLAY", ":" + display);
        Process client = builder.start();
        clients.add(client);
        return client;
    }

    /** The X server's own view of the screen, {@code 0xFFRRGGBB} row after row (from {@code xwd -root}). */
    public int[] xwdRoot() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("xwd", "-root", "-silent", "-display", ":" + display);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process xwd = builder.start();
        byte[] dump;
        try (InputStream in = xwd.getInputStream()) {
            dump = in.readAllBytes();
        }
        if (xwd.waitFor() != 0) {
            throw new IOException("xwd failed on :" + display);
        }
        ByteBuffer header = ByteBuffer.wrap(dump).order(ByteOrder.BIG_ENDIAN);
        int headerSize = header.getInt(0);
        int width = header.getInt(4 * 4);
        int height = header.getInt(5 * 4);
        int byteOrder = header.getInt(7 * 4);
        int bitsPerPixel = header.getInt(11 * 4);
        int bytesPerLine = header.getInt(12 * 4);
        int redMask = header.getInt(14 * 4);
        int colours = header.getInt(19 * 4);
        if (bitsPerPixel != 32 || byteOrder != 0 || redMask != 0xFF0000) {
            throw new IOException("unexpected xwd format: " + bitsPerPixel + " bpp, byte order " + byteOrder
                    + ", red mask " + Integer.toHexString(redMask));
        }
        ByteBuffer data = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
        int offset = headerSize + colours * 12;
        int[] pixels = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = 0xFF000000 | (data.getInt(offset + y * bytesPerLine + x * 4) & 0xFFFFFF);
            }
        }
        return pixels;
    }

    /** Kills the X clients, then Xvnc, and checks that none of them, nor anything else on this display, is left. */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : clients) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.add(xvnc.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            if (p.isAlive()) {
                throw new IllegalStateException("process " + p.pid() + " (" + p.info().command().orElse("?")
                        + ") outlived its test");
            }
        }
        String marker = ":" + display;
        List<String> left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        if (!left.isEmpty()) {
            throw new IllegalStateException("processes left on display " + marker + ": " + left);
        }
    }
}
