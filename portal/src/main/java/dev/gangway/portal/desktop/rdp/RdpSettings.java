package dev.gangway.portal.desktop.rdp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What the embedded RDP converter needs on the portal host.
 *
 * @param xfreerdp FreeRDP's X11 client (Debian: freerdp2-x11)
 * @param xvnc TigerVNC's Xvnc (Debian: tigervnc-standalone-server)
 * @param workDirectory where each session gets a private directory (mode 0700: the VNC password file, the X
 *     authority cookie, FreeRDP's home and the logs); created when missing, emptied of old sessions at start
 * @param startTimeout how long Xvnc may take to accept connections, and xfreerdp to connect to the splice
 * @param bwrap bubblewrap's {@code bwrap} (Debian: bubblewrap), for {@link #sandbox}
 * @param sandbox whether xfreerdp runs in a bubblewrap sandbox ({@link FreeRdpSandbox})
 */
public record RdpSettings(Path xfreerdp, Path xvnc, Path workDirectory, Duration startTimeout, Path bwrap,
        Sandbox sandbox) {

    /** Whether xfreerdp runs in a bubblewrap sandbox. */
    public enum Sandbox {
        /** When bwrap is installed and works here; otherwise without one, with a warning in the log. */
        AUTO,
        /** Always: without a working bwrap, RDP desktops are unavailable and say what to install. */
        REQUIRED,
        /** Never. */
        OFF;

        /** {@code auto}, {@code required} or {@code off}, in any case. */
        public static Sandbox parse(String value) {
            for (Sandbox s : values()) {
                if (s.name().equalsIgnoreCase(value.strip())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("the RDP sandbox setting is '" + value + "'; use auto, required or "
                    + "off");
        }
    }

    public RdpSettings {
        Objects.requireNonNull(xfreerdp, "xfreerdp");
        Objects.requireNonNull(xvnc, "xvnc");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
        }
        Objects.requireNonNull(bwrap, "bwrap");
        Objects.requireNonNull(sandbox, "sandbox");
    }

    /**
     * {@code xfreerdp} and {@code Xvnc} found on the PATH (their bare names when missing, so
     * {@link EmbeddedRdpConverter#unavailableReason()} can say which), a work directory under the system's temporary
     * directory, 30 s to start, bwrap from the PATH and the sandbox {@link Sandbox#AUTO}.
     */
    public static RdpSettings defaults() {
        return new RdpSettings(onPath("xfreerdp"), onPath("Xvnc"),
                Path.of(System.getProperty("java.io.tmpdir"), "gangway-rdp"), Duration.ofSeconds(30), onPath("bwrap"),
                Sandbox.AUTO);
    }

    /** The executable {@code name} in the first PATH directory that has it, else {@code Path.of(name)}. */
    static Path onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of(name);
    }

    public RdpSettings withXfreerdp(Path path) {
        return new RdpSettings(path, xvnc, workDirectory, startTimeout, bwrap, sandbox);
    }

    public RdpSettings withXvnc(Path path) {
        return new RdpSettings(xfreerdp, path, workDirectory, startTimeout, bwrap, sandbox);
    }

    public RdpSettings withWorkDirectory(Path path) {
        return new RdpSettings(xfreerdp, xvnc, path, startTimeout, bwrap, sandbox);
    }

    public RdpSettings withStartTimeout(Duration timeout) {
        return new RdpSettings(xfreerdp, xvnc, workDirectory, timeout, bwrap, sandbox);
    }

    public RdpSettings withSandbox(Sandbox mode, Path bwrapPath) {
        return new RdpSettings(xfreerdp, xvnc, workDirectory, startTimeout, bwrapPath, mode);
    }
}
