package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.rfb.VncAuthentication;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A private TigerVNC Xvnc for one RDP session: xfreerdp draws into it, the embedded VNC converter reads it.
 *
 * <p>Private means: its RFB port listens on 127.0.0.1 only and wants a random VNC password (in a 0600 file in the
 * session's 0700 directory); its X display wants a random MIT-MAGIC-COOKIE (same directory) and has no TCP listener,
 * so no other local user can read the screen or inject input. The display number is one whose socket and lock file
 * do not exist; a collision with another X server starting at the same moment, or a port taken between choosing and
 * binding it, is retried with new numbers.
 *
 * <p>Lifecycle: {@link #start} returns once Xvnc answers with an RFB greeting; {@link #close} ends it (and anything
 * it started) and removes the display's lock and socket files if a forced kill left them. Not thread-safe except
 * {@link #close}, which is idempotent.
 */
final class PrivateXvnc implements AutoCloseable {

    private static final int ATTEMPTS = 5;
    private static final char[] PASSWORD_CHARS =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int display;
    private final int port;
    private final String password;
    private final Path xauthority;
    private final Path log;
    private final Process process;

    private PrivateXvnc(int display, int port, String password, Path xauthority, Path log, Process process) {
        this.display = display;
        this.port = port;
        this.password = password;
        this.xauthority = xauthority;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts Xvnc with a {@code width × height × 24} screen in {@code dir} (the session's private directory).
     *
     * @param cancelled polled while waiting; true ends the wait with an {@link IOException}
     * @throws IOException when Xvnc cannot be started or does not answer within {@code timeout}; nothing is left
     */
    static PrivateXvnc start(Path xvnc, Path dir, int width, int height, Duration timeout, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        String password = randomPassword();
        Path passwordFile = writePrivate(dir.resolve("vncpasswd"), VncAuthentication.passwordFile(password));
        byte[] cookie = new byte[16];
        RANDOM.nextBytes(cookie);
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int display = freeDisplay();
            Path xauthority = writePrivate(dir.resolve("Xauthority"), authorityEntry(display, cookie));
            int port = freeLoopbackPort();
            Path log = dir.resolve("xvnc.log");
            List<String> command = List.of(xvnc.toString(), ":" + display,
                    "-geometry", width + "x" + height, "-depth", "24",
                    "-rfbport", Integer.toString(port), "-localhost", "-interface", "127.0.0.1",
                    "-SecurityTypes", "VncAuth", "-rfbauth", passwordFile.toString(),
                    "-auth", xauthority.toString(), "-nolisten", "tcp", "-UseBlacklist=0",
                    "-AlwaysShared", "-desktop", "gangway-rdp");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("HOME", dir.toString());
            Process process = builder.start();
            PrivateXvnc server = new PrivateXvnc(display, port, password, xauthority, log, process);
            try {
                if (server.awaitReady(timeout, cancelled)) {
                    return server;
                }
                last = new IOException("Xvnc :" + display + " exited with code " + process.exitValue() + ": "
                        + lastLine(ChildProcesses.tail(log, 2000)));
            } catch (IOException | InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
            server.close();
        }
        throw new IOException("the private X server (Xvnc) for this RDP session would not start: "
                + (last == null ? "no reason given" : last.getMessage()));
    }

    /** True once Xvnc greets with RFB; false if it exited (a collision: the caller retries). */
    private boolean awaitReady(Duration timeout, BooleanSupplier cancelled) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (cancelled.getAsBoolean()) {
                throw new IOException("the session was closed while its X server was starting");
            }
            if (!process.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                s.setSoTimeout(2000);
                byte[] greeting = s.getInputStream().readNBytes(4);
                if (Arrays.equals(greeting, "RFB ".getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the private X server (Xvnc) for this RDP session did not start within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    int display() {
        return display;
    }

    int port() {
        return port;
    }

    /** The random VNC password (8 characters: VNC uses no more). */
    String password() {
        return password;
    }

    Path xauthority() {
        return xauthority;
    }

    Process process() {
        return process;
    }

    /** The end of Xvnc's log, for messages after a crash. */
    String recentLog() {
        return ChildProcesses.tail(log, 4000);
    }

    @Override
    public void close() {
        ChildProcesses.destroyTree(process);
        // a forced kill leaves these behind; remove them only while they are this server's
        Path lock = Path.of("/tmp/.X" + display + "-lock");
        try {
            if (Files.exists(lock) && Files.readString(lock).trim().equals(Long.toString(process.pid()))) {
                Files.deleteIfExists(lock);
                Files.deleteIfExists(Path.of("/tmp/.X11-unix/X" + display));
            }
        } catch (IOException ignored) {
            // another server's, or already gone
        }
    }

    static int freeDisplay() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int n = 100 + RANDOM.nextInt(800);
            if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free X display number between 100 and 900");
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static String randomPassword() {
        char[] chars = new char[8];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = PASSWORD_CHARS[RANDOM.nextInt(PASSWORD_CHARS.length)];
        }
        return new String(chars);
    }

    /** One Xauthority entry (family "wild", any address) with an MIT-MAGIC-COOKIE-1 for {@code display}. */
    static byte[] authorityEntry(int display, byte[] cookie) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0xFFFF);
            out.writeShort(0);
            byte[] number = Integer.toString(display).getBytes(StandardCharsets.US_ASCII);
            out.writeShort(number.length);
            out.write(number);
            byte[] name = "MIT-MAGIC-COOKIE-1".getBytes(StandardCharsets.US_ASCII);
            out.writeShort(name.length);
            out.write(name);
            out.writeShort(cookie.length);
            out.write(cookie);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes {@code content} to a new file readable only by the portal's user (0600). */
    static Path writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
