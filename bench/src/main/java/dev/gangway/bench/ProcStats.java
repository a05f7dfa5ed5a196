package dev.gangway.bench;

/**
 * Counters of one process from the kernel. Load on a shared machine stretches wall-clock times but hardly CPU
 * time per byte, so this shows where a path spends its effort. ({@code /proc/<pid>/io} would add system call
 * counts, but it does not count send/recv, which is what Netty's epoll transport uses: left out.)
 *
 * @param cpuNanos user plus system CPU time
 */
record ProcStats(long cpuNanos) {

    static final ProcStats ZERO = new ProcStats(0);

    static ProcStats of(ProcessHandle process) {
        return new ProcStats(process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L));
    }

    ProcStats plus(ProcStats o) {
        return new ProcStats(cpuNanos + o.cpuNanos);
    }

    ProcStats minus(ProcStats o) {
        return new ProcStats(cpuNanos - o.cpuNanos);
    }
}
