package dev.gangway.portal.desktop.rdp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs xfreerdp under bubblewrap ({@code bwrap}): an RDP client parses what a possibly hostile RDP server sends, so it
 * gets a view of the system made of the read-only {@code /usr}, the few files of {@code /etc} a dynamically linked X
 * client reads, a private {@code /tmp}, {@code /proc} and {@code /dev} of its own, and its session directory (the
 * only writable place); its own pid, IPC and UTS namespaces, a new terminal session and no capabilities. The network
 * stays shared: it reaches the splice on 127.0.0.1 and its private Xvnc through the X server's abstract socket. It
 * dies with its parent.
 *
 * <p>{@link #probe} runs the same wrapper around {@code true} once, so a host where bwrap cannot make namespaces (a
 * container without them, unprivileged user namespaces switched off) is found at start, not at the first session.
 */
final class FreeRdpSandbox {

    private static final Logger log = LoggerFactory.getLogger(FreeRdpSandbox.class);
    /** What of {@code /etc} an X11 program linked against OpenSSL and fontconfig reads; absent ones are skipped. */
    private static final List<String> ETC = List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/alternatives", "/etc/fonts", "/etc/ssl", "/etc/localtime", "/etc/passwd", "/etc/group",
            "/etc/nsswitch.conf");
    /** The top-level directories of a merged-/usr system are symlinks into {@code /usr}; others are bound. */
    private static final List<String> TOP = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    private final Path bwrap;

    private FreeRdpSandbox(Path bwrap) {
        this.bwrap = bwrap;
    }

    /**
     * The sandbox, when {@code bwrap} is installed and can make its namespaces here; empty otherwise, with the reason
     * in the log.
     */
    static Optional<FreeRdpSandbox> probe(Path bwrap) {
        if (!Files.isExecutable(bwrap)) {
            return Optional.empty();
        }
        FreeRdpSandbox sandbox = new FreeRdpSandbox(bwrap);
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("gangway-bwrap-probe");
            Process probe = new ProcessBuilder(sandbox.wrap(List.of("true"), scratch)).redirectErrorStream(true)
                    .start();
            probe.getOutputStream().close();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                log.warn("bubblewrap at {} did not run 'true' within 10 s: xfreerdp runs without a sandbox", bwrap);
                return Optional.empty();
            }
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (probe.exitValue() != 0) {
                log.warn("bubblewrap at {} cannot make its sandbox here (exit {}: {}): xfreerdp runs without one",
                        bwrap, probe.exitValue(), output);
                return Optional.empty();
            }
            return Optional.of(sandbox);
        } catch (IOException e) {
            log.warn("bubblewrap at {} could not be tried: {}", bwrap, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            ChildProcesses.deleteTree(scratch);
        }
    }

    Path bwrap() {
        return bwrap;
    }

    /** {@code command} run inside the sandbox, with {@code sessionDirectory} as its only writable directory. */
    List<String> wrap(List<String> command, Path sessionDirectory) {
        String dir = sessionDirectory.toAbsolutePath().toString();
        List<String> args = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "gangway-rdp",
                "--ro-bind", "/usr", "/usr"));
        for (String top : TOP) {
            Path path = Path.of(top);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), top));
                } catch (IOException e) {
                    log.debug("cannot read the link {}: {}", top, e.toString());
                }
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", top, top));
            }
        }
        for (String etc : ETC) {
            args.addAll(List.of("--ro-bind-try", etc, etc));
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", dir, dir, "--chdir", dir,
                "--cap-drop", "ALL", "--"));
        args.addAll(command);
        return args;
    }
}
