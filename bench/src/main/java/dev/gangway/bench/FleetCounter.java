package dev.gangway.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Connections up on a server of the idle-tunnels scenario, with the wall-clock time (epoch ms) at which the count
 * first reached each of a few fractions of the expected fleet: how fast a reconnect storm came back. Thread-safe.
 */
final class FleetCounter {

    static final double[] MILESTONES = {0.01, 0.10, 0.50, 0.90, 0.99, 1.0};
    static final String[] MILESTONE_KEYS = {"p1_at", "p10_at", "p50_at", "p90_at", "p99_at", "all_at"};

    private final int expected;
    private final AtomicInteger up = new AtomicInteger();
    private final AtomicInteger ups = new AtomicInteger();
    private final AtomicInteger downs = new AtomicInteger();
    private final AtomicLongArray reached = new AtomicLongArray(MILESTONES.length);
    private final long startedAt = System.currentTimeMillis();

    FleetCounter(int expected) {
        this.expected = expected;
    }

    void up() {
        int now = up.incrementAndGet();
        ups.incrementAndGet();
        for (int i = 0; i < MILESTONES.length; i++) {
            if (now >= Math.ceil(MILESTONES[i] * expected) && reached.get(i) == 0) {
                reached.compareAndSet(i, 0, System.currentTimeMillis());
            }
        }
    }

    void down() {
        up.decrementAndGet();
        downs.incrementAndGet();
    }

    int current() {
        return up.get();
    }

    /** {@code up=<n> ups=<n> downs=<n> started_at=<ms> p1_at=<ms> ... all_at=<ms>} (0: not reached yet). */
    String status() {
        StringBuilder s = new StringBuilder("up=").append(up.get()).append(" ups=").append(ups.get())
                .append(" downs=").append(downs.get()).append(" started_at=").append(startedAt);
        for (int i = 0; i < MILESTONES.length; i++) {
            s.append(' ').append(MILESTONE_KEYS[i]).append('=').append(reached.get(i));
        }
        return s.toString();
    }
}
