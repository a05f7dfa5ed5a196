package dev.gangway.agent.setup;

import dev.gangway.agent.config.EasySetupConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the Easy Setup file is looked for ({@code easy-setup.path}): a directory — the mount point of a USB stick or
 * SD card, holding {@value EasySetupConfig#FILE_NAME} — or, for a path ending in {@code .json}, the file itself. The
 * path need not exist yet (a stick plugged in later).
 *
 * <p>After a successful registration {@link #markUsed} rewrites the file without the activation key, atomically
 * (a new file next to it, synced, renamed over it), so that the stick holds no secret any more. Stateless apart from
 * its path; safe to use from one thread at a time.
 */
public final class EasySetupMedium {

    private final Path file;
    private final boolean directoryGiven;

    public EasySetupMedium(EasySetupConfig config) {
        Path path = config.path().toAbsolutePath().normalize();
        this.directoryGiven = !path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        this.file = directoryGiven ? path.resolve(EasySetupConfig.FILE_NAME) : path;
    }

    /** The file looked for. */
    public Path file() {
        return file;
    }

    /** What the agent waits for, in one sentence for the log. */
    public String describe() {
        return directoryGiven ? EasySetupConfig.FILE_NAME + " in " + file.getParent()
                + " (the USB stick or SD card with the file from the portal's activation page)"
                : file + " (the Easy Setup file from the portal's activation page)";
    }

    /**
     * The file's bytes, or empty when there is no file (yet). A file larger than {@link EasySetupFile#MAX_BYTES} is
     * returned cut one byte beyond the limit, which {@link EasySetupFile#verify} refuses. Symbolic links are followed:
     * automounters use them.
     *
     * @throws IOException when it is there but cannot be read
     */
    public Optional<byte[]> read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(in.readNBytes(EasySetupFile.MAX_BYTES + 1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Replaces the file by a note that it was used, without the activation key or the proxy password.
     *
     * @return a warning for the log when the file could not be rewritten (read-only medium, removed stick); empty when
     *     done
     */
    public Optional<String> markUsed(EasySetupFile used, String deviceId, String deviceName, Instant at) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("format", EasySetupFile.FORMAT);
        note.put("version", EasySetupFile.VERSION);
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("deviceId", deviceId);
        what.put("deviceName", deviceName);
        what.put("portal", used.portal().toString());
        what.put("at", at.truncatedTo(ChronoUnit.SECONDS).toString());
        note.put("used", what);
        note.put("note", "This Easy Setup file registered the device above. Its activation key and proxy password "
                + "were removed; to register a machine, download a new file from the portal.");
        byte[] content = (EasySetupFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(note) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Path directory = file.getParent();
        Path temporary = directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.empty();
        } catch (IOException e) {
            deleteQuietly(temporary);
            return Optional.of("could not remove the activation key from " + file + " (" + why(e) + "): the key is "
                    + "used up and cannot register another device, but delete the file from the stick or card");
        }
    }

    private static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "not writable";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteQuietly(Path path) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // a medium that cannot take the file cannot hold its leftovers either
        }
    }
}
