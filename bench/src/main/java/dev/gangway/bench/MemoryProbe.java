package dev.gangway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of the process it runs in, as the idle-tunnels scenario compares it: Java heap in use after full
 * collections (what the live objects take) and the resident set size the kernel reports.
 */
final class MemoryProbe {

    private MemoryProbe() {
    }

    /**
     * Runs {@code System.gc()} (a full, stop-the-world collection with G1, Parallel and Serial alike) three times,
     * 200 ms apart, and answers {@code heap_used=<bytes> heap_committed=<bytes> rss_kb=<kB>}; the heap figure is the
     * smallest of the three readings, so that objects allocated by a keepalive tick between collections do not count.
     */
    static String measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        long committed = 0;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
            committed = memory.getHeapMemoryUsage().getCommitted();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "heap_used=" + used + " heap_committed=" + committed + " rss_kb=" + rssKb(ProcessHandle.current().pid());
    }

    /** VmRSS of process {@code pid} from /proc, in kB; -1 when it cannot be read. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
