package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import dev.gangway.portal.desktop.SocketTunnelStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RDP desktop in the browser: a private Xvnc, a one-shot loopback splice into the device tunnel, xfreerdp
 * connected through the splice and drawing into the Xvnc, and an embedded VNC session reading that Xvnc.
 *
 * <p>Lifecycle: {@link #run} (the session thread) asks for missing credentials, starts the pieces in that order,
 * runs the VNC session with the browser's sink and, whatever ends it (the browser, xfreerdp exiting, Xvnc dying,
 * the splice failing, {@link #close} from another thread, the portal stopping), ends both processes and their
 * descendants, closes the splice and deletes the session's directory before returning. {@link #receive} hands the
 * browser's instructions to the VNC session (or to the credential prompt while it is open).
 */
final class RdpSession implements DesktopSession {

    private static final Logger log = LoggerFactory.getLogger(RdpSession.class);
    private static final int MIN_WIDTH = 320;
    private static final int MIN_HEIGHT = 240;
    private static final int MAX_WIDTH = 4096;
    private static final int MAX_HEIGHT = 2560;
    private static final long PROMPT_MILLIS = 5 * 60 * 1000;
    private static final int LOG_TAIL = 8192;

    private final DesktopRequest request;
    private final DesktopConverter vnc;
    private final RdpSettings settings;
    private final Consumer<RdpSession> onFinished;
    private final AtomicReference<DesktopEnd> closeReason = new AtomicReference<>();
    private final AtomicBoolean ran = new AtomicBoolean();
    private final Object lock = new Object();
    private final ShiftedKeys shiftedKeys = new ShiftedKeys();
    private DesktopSession vncSession;
    private volatile ArgumentPrompt prompt;
    private volatile boolean cleaning;
    private volatile Process freerdp;
    private volatile PrivateXvnc xvnc;
    private volatile long freerdpStarted;
    private volatile long freerdpPid;
    private final FreeRdpSandbox sandbox;
    /** View-only sessions watching this one's private screen ({@link #watcher}); ended with it. */
    private final Set<DesktopSession> watchers = ConcurrentHashMap.newKeySet();

    RdpSession(DesktopRequest request, DesktopConverter vnc, RdpSettings settings, FreeRdpSandbox sandbox,
            Consumer<RdpSession> onFinished) {
        this.request = request;
        this.vnc = vnc;
        this.settings = settings;
        this.sandbox = sandbox;
        this.onFinished = onFinished;
    }

    @Override
    public DesktopEnd run(GuacSink sink) {
        if (!ran.compareAndSet(false, true)) {
            return new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "this RDP session was already run");
        }
        Path dir = null;
        OneShotSplice splice = null;
        try {
            if (closeReason.get() != null) {
                return closeReason.get();
            }
            DesktopCredentials credentials = credentials(sink);
            if (credentials == null) {
                return closedOr(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                        "no RDP user name and password were given"));
            }
            String problem = invalid(credentials);
            if (problem != null) {
                return new DesktopEnd(GuacamoleStatus.CLIENT_BAD_REQUEST, problem);
            }
            int width = even(clamp(request.width() <= 0 ? 1024 : request.width(), MIN_WIDTH, MAX_WIDTH));
            int height = even(clamp(request.height() <= 0 ? 768 : request.height(), MIN_HEIGHT, MAX_HEIGHT));
            dir = sessionDirectory();
            xvnc = PrivateXvnc.start(settings.xvnc(), dir, width, height, settings.startTimeout(),
                    () -> closeReason.get() != null);
            PrivateXvnc screen = xvnc;
            splice = OneShotSplice.loopback(shortId() + "-rdp", request.opener(), settings.startTimeout(), null,
                    () -> freerdpPid);
            freerdpStarted = System.nanoTime();
            freerdp = startFreeRdp(dir, screen, splice.port(), width, height, credentials);
            Process client = freerdp;
            client.onExit().thenRun(() -> processEnded("xfreerdp"));
            screen.process().onExit().thenRun(() -> processEnded("Xvnc"));

            DesktopSession view = vnc.open(new DesktopRequest(request.sessionId(), request.deviceId(), "vnc",
                    request.serviceName(),
                    request.lanAddress(), request.viewOnly(), new DesktopCredentials(null, screen.password(), null),
                    width, height, request.dpi(), () -> privateScreen(screen.port())));
            synchronized (lock) {
                vncSession = view;
            }
            DesktopEnd pending = closeReason.get();
            if (pending != null || !client.isAlive() || !screen.process().isAlive()) {
                view.close(pending != null ? pending : placeholder());
            }
            DesktopEnd viewEnd = view.run(sink);
            return decideEnd(viewEnd, splice, dir);
        } catch (EndException e) {
            return closedOr(e.end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return closedOr(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the portal is stopping"));
        } catch (IOException e) {
            log.info("RDP session {} ({}): {}", request.sessionId(), request.serviceName(), e.getMessage());
            return closedOr(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("RDP session {} ({}) failed", request.sessionId(), request.serviceName(), e);
            return closedOr(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the RDP session failed (internal error)"));
        } finally {
            cleanup(splice, dir);
        }
    }

    /** The stored credentials; a missing user name or password is asked from the browser with {@code required}. */
    private DesktopCredentials credentials(GuacSink sink) throws IOException, InterruptedException, EndException {
        DesktopCredentials stored = request.credentials();
        List<String> missing = new ArrayList<>();
        if (blank(stored.username())) {
            missing.add("username");
        }
        if (stored.password() == null) {
            missing.add("password");
        }
        if (missing.isEmpty()) {
            return stored;
        }
        if (request.viewOnly()) {
            // a viewer may not type credentials into a machine; a manager stores them
            throw new EndException(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED, "the RDP "
                    + (missing.contains("username") ? "user name" : "password") + " for " + request.serviceName()
                    + " is not stored: a manager of the device sets it on the service's desktop credentials page"));
        }
        ArgumentPrompt asking = new ArgumentPrompt(Set.copyOf(missing));
        prompt = asking;
        try {
            asking.ask(sink, missing);
            Map<String, String> given = asking.await(PROMPT_MILLIS, () -> closeReason.get() != null);
            if (given == null) {
                return null;
            }
            String username = given.getOrDefault("username", stored.username());
            String password = given.getOrDefault("password", stored.password());
            if (blank(username)) {
                return null;
            }
            return new DesktopCredentials(username, password, stored.domain());
        } finally {
            prompt = null;
        }
    }

    private static String invalid(DesktopCredentials credentials) {
        if (hasControl(credentials.username()) || hasControl(credentials.domain())) {
            return "the RDP user name or domain contains control characters";
        }
        if (credentials.password() != null && (credentials.password().indexOf('\n') >= 0
                || credentials.password().indexOf('\r') >= 0)) {
            return "the RDP password contains a line break, which FreeRDP cannot take";
        }
        return null;
    }

    private Process startFreeRdp(Path dir, PrivateXvnc screen, int port, int width, int height,
            DesktopCredentials credentials) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> command = new ArrayList<>(List.of(settings.xfreerdp().toString(),
                "/v:127.0.0.1:" + port,
                "/u:" + credentials.username()));
        if (!blank(credentials.domain())) {
            command.add("/d:" + credentials.domain());
        }
        command.addAll(List.of(
                // the password is read from stdin before connecting; never on the command line
                "/from-stdin:force",
                // TLS here ends at the LAN service and the device tunnel is the security boundary (see the docs)
                "/cert:ignore",
                "/size:" + width + "x" + height, "/bpp:32", "-decorations", "+clipboard", "-grab-keyboard",
                "/audio-mode:2", "-wallpaper", "/log-level:WARN", "/t:gangway"));
        // in the sandbox, bwrap is the child and xfreerdp its child: the splice accepts the process tree's socket
        ProcessBuilder builder = new ProcessBuilder(sandbox == null ? command : sandbox.wrap(command, dir))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("xfreerdp.log").toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("DISPLAY", ":" + screen.display());
        env.put("XAUTHORITY", screen.xauthority().toString());
        env.put("LANG", "C.UTF-8");
        Process process = builder.start();
        freerdpPid = process.pid();
        try (OutputStream stdin = process.getOutputStream()) {
            String password = credentials.password() == null ? "" : credentials.password();
            stdin.write((password + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            // xfreerdp exited before reading: its exit says why
            log.debug("RDP session {}: xfreerdp did not take the password: {}", request.sessionId(), e.toString());
        }
        return process;
    }

    private void processEnded(String which) {
        if (cleaning) {
            return;
        }
        log.debug("RDP session {}: {} exited", request.sessionId(), which);
        closeView(placeholder());
    }

    private static DesktopEnd placeholder() {
        return new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the RDP session ended");
    }

    /** Why the session ended: a close from outside, the splice, xfreerdp, Xvnc, else the VNC session's end. */
    private DesktopEnd decideEnd(DesktopEnd viewEnd, OneShotSplice splice, Path dir) throws InterruptedException {
        DesktopEnd closed = closeReason.get();
        if (closed != null) {
            return closed;
        }
        if (splice.failure() != null) {
            return new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE, splice.failure());
        }
        // the private Xvnc first: when it dies, xfreerdp loses its display and dies too
        PrivateXvnc screen = xvnc;
        if (screen != null && screen.process().waitFor(500, TimeUnit.MILLISECONDS)) {
            log.warn("RDP session {}: the private Xvnc exited with code {}:\n{}", request.sessionId(),
                    screen.process().exitValue(), screen.recentLog());
            return new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                    "the private X server of this RDP session stopped (exit code " + screen.process().exitValue()
                            + ")");
        }
        Process client = freerdp;
        if (client != null && client.waitFor(500, TimeUnit.MILLISECONDS)) {
            String output = ChildProcesses.tail(dir.resolve("xfreerdp.log"), LOG_TAIL);
            log.info("RDP session {} ({}): xfreerdp exited with code {}; its last output:\n{}", request.sessionId(),
                    request.serviceName(), client.exitValue(), output);
            boolean duringLogon = System.nanoTime() - freerdpStarted < FreeRdpExit.LOGON_WINDOW.toNanos();
            return FreeRdpExit.describe(client.exitValue(), output, duringLogon);
        }
        return viewEnd;
    }

    private DesktopEnd closedOr(DesktopEnd end) {
        DesktopEnd closed = closeReason.get();
        return closed != null ? closed : end;
    }

    private void cleanup(OneShotSplice splice, Path dir) {
        cleaning = true;
        closeView(closedOr(new DesktopEnd(GuacamoleStatus.SUCCESS, "the RDP session ended")));
        DesktopEnd watchedEnded = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "the RDP session you were watching "
                + "ended (its user left or was disconnected)");
        watchers.forEach(w -> w.close(watchedEnded));
        destroyProcesses();
        if (splice != null) {
            splice.close();
        }
        if (dir != null && !ChildProcesses.deleteTree(dir)) {
            log.warn("RDP session {}: could not delete its directory {}", request.sessionId(), dir);
        }
        onFinished.accept(this);
    }

    /**
     * Whether a viewer of {@code service} on {@code deviceId} may watch this session: it is in control, of that
     * service, and its private screen is shown.
     */
    boolean watchable(String deviceId, String service) {
        PrivateXvnc screen = xvnc;
        boolean shown;
        synchronized (lock) {
            shown = vncSession != null;
        }
        return shown && !request.viewOnly() && request.deviceId().equals(deviceId)
                && request.serviceName().equals(service) && closeReason.get() == null && !cleaning && screen != null
                && screen.process().isAlive();
    }

    /**
     * A view-only VNC session on this session's private screen, for a user with view rights: it shows what the user
     * in control sees, logs nobody on, sends no input, and ends when this session ends.
     */
    DesktopSession watcher(DesktopRequest viewer) {
        PrivateXvnc screen = xvnc;
        DesktopSession view = vnc.open(new DesktopRequest(viewer.sessionId(), viewer.deviceId(), "vnc",
                viewer.serviceName(), viewer.lanAddress(), true, new DesktopCredentials(null, screen.password(), null),
                viewer.width(), viewer.height(), viewer.dpi(), () -> privateScreen(screen.port())));
        watchers.add(view);
        if (cleaning) {
            view.close(new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "the RDP session to watch has just ended"));
        }
        return new DesktopSession() {
            @Override
            public DesktopEnd run(GuacSink sink) {
                try {
                    return view.run(sink);
                } finally {
                    watchers.remove(view);
                }
            }

            @Override
            public void receive(GuacamoleInstruction instruction) {
                view.receive(instruction);
            }

            @Override
            public void close(DesktopEnd reason) {
                view.close(reason);
                watchers.remove(view);
            }
        };
    }

    /** Ends xfreerdp, then Xvnc, each with its descendants; idempotent, any thread (also the shutdown hook). */
    void destroyProcesses() {
        cleaning = true;
        ChildProcesses.destroyTree(freerdp);
        PrivateXvnc screen = xvnc;
        if (screen != null) {
            screen.close();
        }
    }

    private void closeView(DesktopEnd end) {
        DesktopSession view;
        synchronized (lock) {
            view = vncSession;
        }
        if (view != null) {
            view.close(end);
        }
    }

    @Override
    public void receive(GuacamoleInstruction instruction) {
        ArgumentPrompt asking = prompt;
        if (asking != null && asking.receive(instruction)) {
            return;
        }
        DesktopSession view;
        synchronized (lock) {
            view = vncSession;
        }
        if (view != null && !"size".equals(instruction.getOpcode())) {
            // the RDP screen is xfreerdp's window: resizing the private Xvnc under it would not resize the session
            for (GuacamoleInstruction each : shiftedKeys.filter(instruction)) {
                view.receive(each);
            }
        }
    }

    @Override
    public void close(DesktopEnd reason) {
        closeReason.compareAndSet(null, reason);
        closeView(closeReason.get());
        if (!ran.get()) {
            // never run: nothing was started; forget it (run() after this returns the reason at once)
            onFinished.accept(this);
        }
    }

    private Path sessionDirectory() throws IOException {
        Path root = settings.workDirectory();
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory(root, EmbeddedRdpConverter.sessionPrefix(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private String shortId() {
        String id = request.sessionId();
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    private static int even(int value) {
        return value & ~1;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean hasControl(String s) {
        return s != null && s.chars().anyMatch(Character::isISOControl);
    }

    /** Ends {@link #run} early with a prepared end. */
    private static final class EndException extends Exception {

        private final transient DesktopEnd end;

        EndException(DesktopEnd end) {
            super(end.message(), null, false, false);
            this.end = end;
        }
    }

    private static SocketTunnelStream privateScreen(int port) throws IOException {
        try {
            return SocketTunnelStream.connectLoopback(port);
        } catch (IOException e) {
            throw new IOException("cannot reach the session's private X server: " + e.getMessage(), e);
        }
    }
}
