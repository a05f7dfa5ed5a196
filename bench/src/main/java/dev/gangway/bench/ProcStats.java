package dev.gangway.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU counters of one process from the kernel. Load on a shared machine stretches wall-clock times but hardly
 * CPU time per byte, so this shows where a path spends its effort. The JIT compiler threads of a JVM are counted
 * apart: their time is warm-up, not the cost of moving bytes, and a large share means the warm-up was too short.
 *
 * @param cpuNanos user plus system CPU time of the whole process
 * @param jitNanos the part of it spent in the JIT compiler threads (C1/C2)
 */
record ProcStats(long cpuNanos, long jitNanos) {

    static final ProcStats ZERO = new ProcStats(0, 0);

    /** Linux reports thread times in clock ticks of 1/100 s on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    static ProcStats of(ProcessHandle process) {
        long cpu = process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        return new ProcStats(cpu, jitNanos(process.pid()));
    }

    private static long jitNanos(long pid) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String name = stat.substring(open + 1, close);
                if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                    continue;
                }
                // after the name: state, ppid, ... utime is the 12th field, stime the 13th
                String[] fields = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        } catch (IOException | RuntimeException e) {
            return 0; // the process is gone or not on Linux: no JIT share to report
        }
        return ticks * NANOS_PER_TICK;
    }

    ProcStats plus(ProcStats o) {
        return new ProcStats(cpuNanos + o.cpuNanos, jitNanos + o.jitNanos);
    }

    ProcStats minus(ProcStats o) {
        return new ProcStats(cpuNanos - o.cpuNanos, jitNanos - o.jitNanos);
    }
}
