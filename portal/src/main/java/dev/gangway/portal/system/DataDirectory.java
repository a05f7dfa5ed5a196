package dev.gangway.portal.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The portal's data directory. Everything secret in it (CA key, ticket key, activation key of the demo machine) is
 * written owner-only: directories 0700, files 0600, written to a temporary file first and moved into place so a
 * crash never leaves half a key behind.
 */
@Component
public class DataDirectory {

    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    public DataDirectory(GangwaySettings settings) {
        this.root = settings.dataDir().toAbsolutePath().normalize();
        ensureOwnerOnlyDirectory(root);
    }

    public Path root() {
        return root;
    }

    /** A sub-directory, created owner-only when missing. */
    public Path directory(String name) {
        Path dir = root.resolve(name);
        ensureOwnerOnlyDirectory(dir);
        return dir;
    }

    /** Writes a text file owner-only (0600), replacing it atomically. */
    public static void writeOwnerOnly(Path file, String content) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            if (posix(file.getParent())) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage()
                    + " (check that the data directory is writable by this user)", e);
        }
    }

    /** Creates the directory (and parents) and restricts it to its owner. */
    public static void ensureOwnerOnlyDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir);
                } catch (FileAlreadyExistsException e) {
                    throw new IllegalStateException(dir + " exists and is not a directory: move it away or set "
                            + "gangway.data-dir (GANGWAY_DATA_DIR) to another place", e);
                }
            }
            if (posix(dir)) {
                Files.setPosixFilePermissions(dir, OWNER_DIR);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory " + dir + ": " + e.getMessage()
                    + " (set gangway.data-dir / GANGWAY_DATA_DIR to a writable place)", e);
        }
    }

    private static boolean posix(Path path) {
        return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
