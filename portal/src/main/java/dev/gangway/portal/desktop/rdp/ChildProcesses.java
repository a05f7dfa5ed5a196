package dev.gangway.portal.desktop.rdp;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Helpers for the processes of an RDP session: ending a process with its descendants, reading log tails. */
final class ChildProcesses {

    private static final long GRACE_MILLIS = 2000;

    private ChildProcesses() {
    }

    /**
     * Ends {@code process} and its descendants: SIGTERM, up to 2 s to exit, then SIGKILL. Returns when all are gone
     * (or after a further 2 s if the kernel does not reap one, which is logged by the caller's check).
     */
    static void destroyTree(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        for (ProcessHandle p : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!await(p, left)) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : all) {
            await(p, TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS));
        }
    }

    private static boolean await(ProcessHandle p, long nanos) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            p.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        } catch (ExecutionException e) {
            return !p.isAlive();
        }
    }

    /** The last {@code maxBytes} of a log file as text, or "" when it cannot be read. */
    static String tail(Path file, int maxBytes) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - maxBytes);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (start > 0) {
                int newline = text.indexOf('\n');
                text = newline >= 0 ? text.substring(newline + 1) : text;
            }
            return text;
        } catch (IOException e) {
            return "";
        }
    }

    /** Deletes a directory tree; best effort (what cannot be deleted stays and is reported in the log). */
    static boolean deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // reported below through the result
                }
            });
        } catch (IOException e) {
            return false;
        }
        return !Files.exists(dir);
    }
}
