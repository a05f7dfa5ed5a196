package dev.gangway.agent.ondemand;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time of the last wake-up SMS accepted, on disk next to the identity directory ({@code <identity>.last-wake},
 * e.g. {@code /var/lib/gangway-agent/identity.last-wake}), so that a wake-up cannot be replayed, not even after a
 * restart. The file holds the epoch seconds as a decimal number; it is replaced whole (a temporary file, synced, then
 * renamed). A file that cannot be read counts as "no wake-up yet" with a warning: the 10-minute window still bounds a
 * replay.
 *
 * <h2>Threading</h2> Synchronized; one instance per agent.
 */
public final class LastWake {

    private static final Logger log = LoggerFactory.getLogger(LastWake.class);
    static final String SUFFIX = ".last-wake";

    private final Path file;
    private long last;

    LastWake(Path file) {
        this.file = file;
        this.last = read(file);
    }

    /** The store for the identity in {@code identityDirectory}. */
    public static LastWake nextTo(Path identityDirectory) {
        Path dir = identityDirectory.toAbsolutePath().normalize();
        return new LastWake(dir.resolveSibling(dir.getFileName() + SUFFIX));
    }

    public Path file() {
        return file;
    }

    /** The last accepted wake-up time (epoch seconds), 0 before the first. */
    public synchronized long last() {
        return last;
    }

    /**
     * Accepts {@code at} if it is later than the last accepted one, and writes it down before returning.
     *
     * @return false when {@code at} is not later (a replay, or an older message arriving late)
     */
    synchronized boolean advanceTo(long at) {
        if (at <= last) {
            return false;
        }
        last = at;
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(java.nio.ByteBuffer.wrap((at + "\n").getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the wake-up still counts (it is signed and fresh); only a replay after a restart is not caught
            log.warn("cannot write {} ({}): a wake-up could be replayed within 10 minutes after a restart; let the "
                    + "agent's user write to {}", file, e.getMessage(), file.getParent());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
        return true;
    }

    private static long read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (text.matches("[0-9]{1,18}")) {
                return Long.parseLong(text);
            }
            log.warn("{} does not hold a time in seconds ('{}'); starting from no wake-up", file,
                    text.length() > 20 ? text.substring(0, 20) + "…" : text);
        } catch (NoSuchFileException e) {
            // no wake-up accepted yet
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {} ({}); starting from no wake-up", file, e.getMessage());
        }
        return 0;
    }
}
