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
 */
public record RdpSettings(Path xfreerdp, Path xvnc, Path workDirectory, Duration startTimeout) {

    public RdpSettings {
        Objects.requireNonNull(xfreerdp, "xfreerdp");
        Objects.requireNonNull(xvnc, "xvnc");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
        }
    }

    /**
     * {@code xfreerdp} and {@code Xvnc} found on the PATH (their bare names when missing, so
     * {@link EmbeddedRdpConverter#unavailableReason()} can say which), a work directory under the system's temporary
     * directory, 30 s to start.
     */
    public static RdpSettings defaults() {
        return new RdpSettings(onPath("xfreerdp"), onPath("Xvnc"),
                Path.of(System.getProperty("java.io.tmpdir"), "gangway-rdp"), Duration.ofSeconds(30));
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
        return new RdpSettings(path, xvnc, workDirectory, startTimeout);
    }

    public RdpSettings withXvnc(Path path) {
        return new RdpSettings(xfreerdp, path, workDirectory, startTimeout);
    }

    public RdpSettings withWorkDirectory(Path path) {
        return new RdpSettings(xfreerdp, xvnc, path, startTimeout);
    }

    public RdpSettings withStartTimeout(Duration timeout) {
        return new RdpSettings(xfreerdp, xvnc, workDirectory, timeout);
    }
}
