package dev.gangway.client.session;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Output;
import dev.gangway.client.portal.Session;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The session file: {@code {"portal","token","account","user","expiresAt"}} (plus {@code portalCa} when login
 * was given one), readable only by its owner. Default {@code $XDG_CONFIG_HOME/gangway/session.json}, else
 * {@code ~/.config/gangway/session.json}.
 *
 * <h2>Permissions</h2> The directory the client creates is {@code 0700}; the file is created {@code 0600}
 * before anything is written to it, then moved into place, so the token is never readable by others, not even
 * for a moment, and a crash leaves the old file or the new one, never half of one. The default directory is
 * tightened to {@code 0700} if it exists with wider permissions; a directory given with {@code --session-file}
 * is left as it is (it is the user's).
 */
public final class SessionStore {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final boolean defaultLocation;

    /**
     * @param file            the session file (absolute)
     * @param defaultLocation whether it is the default one (its directory is the client's own)
     */
    public SessionStore(Path file, boolean defaultLocation) {
        this.file = file;
        this.defaultLocation = defaultLocation;
    }

    /** {@code $XDG_CONFIG_HOME/gangway/session.json} (when set to an absolute path), else under {@code home}. */
    public static Path defaultPath(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : home.resolve(".config");
        return config.resolve("gangway").resolve("session.json");
    }

    public Path file() {
        return file;
    }

    /**
     * The saved session, if there is one.
     *
     * @throws ClientException (exit code 3) when the file is damaged
     */
    public Optional<Session> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ClientException(ExitCode.NOT_SIGNED_IN, "cannot read the session file " + file + " ("
                    + e.getMessage() + "); sign in again with gangway login");
        }
        try {
            JsonNode node = Output.JSON.readTree(bytes);
            if (node != null && node.isObject()) {
                String portal = text(node, "portal");
                String token = text(node, "token");
                String account = text(node, "account");
                String user = text(node, "user");
                if (portal != null && token != null && account != null && user != null) {
                    return Optional.of(new Session(portal, token, account, user, text(node, "expiresAt"),
                            text(node, "portalCa")));
                }
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new ClientException(ExitCode.NOT_SIGNED_IN, "the session file " + file + " is damaged; sign in again"
                + " with gangway login (it replaces the file)");
    }

    /** A warning when others may read the session file, or empty. */
    public Optional<String> permissionWarning() {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (!FILE.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
                    return Optional.of("warning: the session file " + file + " can be read by other users;"
                            + " run chmod 600 " + file);
                }
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not POSIX, or gone: nothing to say
        }
        return Optional.empty();
    }

    /** Saves {@code session}, replacing the file atomically. */
    public void save(Session session) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("portal", session.portal());
        json.put("token", session.token());
        json.put("account", session.account());
        json.put("user", session.user());
        json.put("expiresAt", session.expiresAt());
        if (session.portalCa() != null) {
            json.put("portalCa", session.portalCa());
        }
        byte[] bytes = Output.JSON.writeValueAsBytes(json);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            createDirectory(dir);
            createPrivateFile(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the message below matters more
            }
            throw new ClientException(ExitCode.UNEXPECTED, "cannot save the session in " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose another place with"
                    + " --session-file FILE or --no-save");
        }
    }

    /** Deletes the session file; whether there was one. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ClientException(ExitCode.UNEXPECTED, "cannot delete the session file " + file + " ("
                    + e.getMessage() + "); delete it by hand");
        }
    }

    private void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            if (defaultLocation && posix(dir)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                if (!DIRECTORY.containsAll(perms)) {
                    Files.setPosixFilePermissions(dir, DIRECTORY);
                }
            }
            return;
        }
        if (posix(nearestExisting(dir))) {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(DIRECTORY);
            Files.createDirectories(dir, attr);
        } else {
            Files.createDirectories(dir);
        }
    }

    private static void createPrivateFile(Path path) throws IOException {
        try {
            if (posix(path.getParent())) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(FILE));
                // the umask may only remove bits; make sure of the rest
                Files.setPosixFilePermissions(path, FILE);
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("temporary file " + path + " exists already", e);
        }
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    private static boolean posix(Path path) {
        return path != null && Files.exists(path)
                && path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() && !value.stringValue().isBlank() ? value.stringValue() : null;
    }
}
