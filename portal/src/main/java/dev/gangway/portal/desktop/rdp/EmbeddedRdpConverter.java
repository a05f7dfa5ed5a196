package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded RDP: FreeRDP's {@code xfreerdp} renders the RDP service into a private Xvnc per session, and the embedded
 * VNC converter (given to the constructor) shows that Xvnc in the browser. The RDP bytes go through a one-shot
 * loopback splice into the device tunnel ({@link OneShotSplice}); the password reaches xfreerdp on its standard
 * input only.
 *
 * <p>View-only requests never start xfreerdp: they get a view-only VNC session on the private Xvnc of a running
 * session in control of the same device's service ({@link RdpSession#watcher}), or end at once when there is none.
 *
 * <p>Lifecycle: one instance for the portal; {@link #open} makes an {@link RdpSession} without I/O. Every session
 * ends its processes itself; a JVM shutdown hook (registered with the first session) ends those still running when
 * the portal stops. Thread-safe.
 */
public class EmbeddedRdpConverter implements DesktopConverter {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRdpConverter.class);

    private final DesktopConverter vnc;
    private final RdpSettings settings;
    /** The sandbox xfreerdp runs in; null when it runs without one. */
    private final FreeRdpSandbox sandbox;
    private final Set<RdpSession> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean hooked = new AtomicBoolean();

    /**
     * @param vnc the embedded VNC converter that shows each session's private Xvnc
     * @param settings where xfreerdp, Xvnc and the work directory are
     */
    public EmbeddedRdpConverter(DesktopConverter vnc, RdpSettings settings) {
        this.vnc = Objects.requireNonNull(vnc, "vnc");
        this.settings = Objects.requireNonNull(settings, "settings");
        // probed once, at start, and only where there is an xfreerdp to confine
        boolean xfreerdp = Files.isExecutable(settings.xfreerdp());
        this.sandbox = settings.sandbox() == RdpSettings.Sandbox.OFF || !xfreerdp ? null
                : FreeRdpSandbox.probe(settings.bwrap()).orElse(null);
        if (sandbox == null && settings.sandbox() == RdpSettings.Sandbox.AUTO && xfreerdp) {
            log.warn("xfreerdp runs without a sandbox: install bubblewrap (and allow user namespaces) to confine it");
        }
        sweepLeftovers(settings.workDirectory());
    }

    /** Whether xfreerdp runs in the bubblewrap sandbox. */
    public boolean sandboxed() {
        return sandbox != null;
    }

    /**
     * Ends what a portal that died without stopping (kill -9, power loss) left behind: every session directory
     * {@code session-<pid>-*} whose portal process is gone is deleted, after the processes that name it on their
     * command line (its private Xvnc; xfreerdp ends with its display) were ended.
     */
    static void sweepLeftovers(Path workDirectory) {
        if (!Files.isDirectory(workDirectory)) {
            return;
        }
        List<Path> stale;
        try (Stream<Path> dirs = Files.list(workDirectory)) {
            stale = dirs.filter(d -> ownerGone(d.getFileName().toString())).toList();
        } catch (IOException e) {
            log.warn("cannot look for old RDP sessions in {}: {}", workDirectory, e.toString());
            return;
        }
        for (Path dir : stale) {
            String marker = dir.toAbsolutePath().toString() + "/";
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
                    .forEach(p -> {
                        log.warn("ending process {} left by a stopped portal: {}", p.pid(),
                                p.info().command().orElse("?"));
                        p.destroyForcibly();
                    });
            if (!ChildProcesses.deleteTree(dir)) {
                log.warn("could not delete the old RDP session directory {}", dir);
            }
        }
    }

    /** Whether the portal that made {@code session-<pid>-<its start, epoch seconds>-...} is gone. */
    private static boolean ownerGone(String name) {
        String[] parts = name.split("-");
        if (parts.length < 4 || !parts[0].equals("session")) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            long started = Long.parseLong(parts[2]);
            // a pid is reused (a portal in a container is often pid 1 every time): compare the start time too
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> p.info().startInstant().map(i -> i.getEpochSecond() != started).orElse(false))
                    .orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The prefix of this portal's session directories: {@code session-<pid>-<start, epoch seconds>-}. */
    static String sessionPrefix() {
        ProcessHandle self = ProcessHandle.current();
        return "session-" + self.pid() + "-"
                + self.info().startInstant().map(java.time.Instant::getEpochSecond).orElse(0L) + "-";
    }

    @Override
    public String name() {
        return "embedded-rdp";
    }

    @Override
    public boolean handles(String kind) {
        return "rdp".equals(kind);
    }

    @Override
    public String unavailableReason() {
        boolean freerdp = Files.isExecutable(settings.xfreerdp());
        boolean xvnc = Files.isExecutable(settings.xvnc());
        if (!freerdp && !xvnc) {
            return "RDP in the browser needs FreeRDP's xfreerdp and TigerVNC's Xvnc on the portal host: install"
                    + " freerdp2-x11 and tigervnc-standalone-server";
        }
        if (!freerdp) {
            return "RDP in the browser needs FreeRDP's xfreerdp on the portal host: install freerdp2-x11";
        }
        if (!xvnc) {
            return "RDP in the browser needs TigerVNC's Xvnc on the portal host: install tigervnc-standalone-server";
        }
        if (sandbox == null && settings.sandbox() == RdpSettings.Sandbox.REQUIRED) {
            return "RDP in the browser is set to run FreeRDP in a sandbox, and bubblewrap cannot make one on the "
                    + "portal host: install bubblewrap (and allow user namespaces), or set "
                    + "gangway.desktop.rdp.sandbox to auto";
        }
        return vnc.unavailableReason();
    }

    @Override
    public DesktopSession open(DesktopRequest request) {
        String reason = unavailableReason();
        if (reason != null) {
            return new Unavailable(new DesktopEnd(GuacamoleStatus.UNSUPPORTED, reason));
        }
        if (hooked.compareAndSet(false, true)) {
            Thread hook = new Thread(this::stopAll, "gangway-desktop-rdp-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        if (request.viewOnly()) {
            // a viewer never logs on (on Windows a logon can take over or lock the console): it watches the session of
            // a user in control of the same service, or there is nothing to watch
            return live.stream().filter(s -> s.watchable(request.deviceId(), request.serviceName())).findFirst()
                    .map(s -> s.watcher(request))
                    .orElseGet(() -> new Unavailable(new DesktopEnd(GuacamoleStatus.UPSTREAM_NOT_FOUND, "nobody is "
                            + "using " + request.serviceName() + " now: with view rights you watch the RDP session of "
                            + "a user in control, and none is open (watching logs nobody on)")));
        }
        RdpSession session = new RdpSession(request, vnc, settings, sandbox, live::remove);
        live.add(session);
        return session;
    }

    /** Sessions whose processes may still run (for tests and the shutdown hook). */
    int liveSessions() {
        return live.size();
    }

    /**
     * Ends every session's processes (called by Spring when the portal stops, as the bean's inferred destroy
     * method; the JVM shutdown hook does the same when the portal is stopped without it). Idempotent.
     */
    public void close() {
        stopAll();
    }

    private void stopAll() {
        for (RdpSession session : live) {
            session.close(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the portal is stopping"));
            session.destroyProcesses();
        }
        if (!live.isEmpty()) {
            log.info("ended the processes of {} RDP session(s) as the portal stopped", live.size());
        }
    }

    /** A session that ends at once, for a converter that cannot run here. */
    private static final class Unavailable implements DesktopSession {

        private final DesktopEnd end;

        Unavailable(DesktopEnd end) {
            this.end = end;
        }

        @Override
        public DesktopEnd run(GuacSink sink) {
            return end;
        }

        @Override
        public void receive(GuacamoleInstruction instruction) {
        }

        @Override
        public void close(DesktopEnd reason) {
        }
    }
}
