package dev.gangway.tunnel;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff: attempt {@code n} waits a random time in {@code [d/2, d]} where
 * {@code d = min(max, min * 2^n)}; the jitter keeps a fleet of agents from reconnecting in lockstep after a
 * relay restart.
 */
final class Backoff {

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;
    private int attempts;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, was " + min + " and " + max);
        }
        this.min = min;
        this.max = max;
        this.random = random;
    }

    Duration next() {
        long ceiling = max.toNanos();
        long delay = min.toNanos();
        for (int i = 0; i < attempts && delay < ceiling; i++) {
            delay = Math.min(ceiling, delay * 2);
        }
        attempts++;
        long half = delay / 2;
        return Duration.ofNanos(half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }

    void reset() {
        attempts = 0;
    }
}
