package dev.gangway.portal.desktop.rdp;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which local process holds the other end of an accepted loopback connection, from Linux's {@code /proc}: the
 * client's socket is the line of {@code /proc/net/tcp} (or {@code tcp6}) whose local port is the accepted socket's
 * remote port and whose remote port is our port; its inode must be one of the process's open file descriptors
 * ({@code /proc/<pid>/fd/* -> socket:[inode]}). Lets the RDP splice accept xfreerdp's connection only, not that of
 * another local process that connects first.
 */
final class LoopbackPeer {

    private static final Path PROC = Path.of("/proc");

    private LoopbackPeer() {
    }

    /** Whether this host has the {@code /proc} files needed (Linux); elsewhere the check is skipped. */
    static boolean supported() {
        return Files.isReadable(PROC.resolve("net/tcp"));
    }

    /**
     * Whether the process {@code pid} or one of its descendants (xfreerdp inside bwrap) holds the client end of
     * {@code accepted}.
     *
     * @return false when none does, or when the client's socket cannot be found
     */
    static boolean ownedByTree(Socket accepted, long pid) {
        Optional<String> inode = clientInode(accepted.getPort(), accepted.getLocalPort());
        if (inode.isEmpty()) {
            return false;
        }
        return holds(pid, inode.get()) || ProcessHandle.of(pid)
                .map(p -> p.descendants().anyMatch(d -> holds(d.pid(), inode.get()))).orElse(false);
    }

    /** Whether one of the open file descriptors of {@code pid} is the socket {@code inode}. */
    private static boolean holds(long pid, String inode) {
        String link = "socket:[" + inode + "]";
        try (Stream<Path> fds = Files.list(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(link);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** The inode of the socket whose local port is {@code clientPort} and remote port {@code serverPort}. */
    static Optional<String> clientInode(int clientPort, int serverPort) {
        String local = String.format(Locale.ROOT, ":%04X", clientPort);
        String remote = String.format(Locale.ROOT, ":%04X", serverPort);
        for (String table : List.of("net/tcp", "net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(PROC.resolve(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote) && !f[9].equals("0")) {
                    return Optional.of(f[9]);
                }
            }
        }
        return Optional.empty();
    }
}
