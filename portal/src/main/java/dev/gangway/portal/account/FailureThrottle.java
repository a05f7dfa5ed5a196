package dev.gangway.portal.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed sign-ins per key (a client address, an account) in memory and refuses a key that failed more than
 * {@code limit} times within a window (the failure that reaches it is the last one checked), for a while. Bounded: at most {@code capacity} keys are remembered, the least
 * recently seen are forgotten first, so a flood of addresses costs a fixed amount of memory (and can at worst make
 * the portal forget an attacker that is also flooding, which the per-user lockout still catches).
 *
 * <p>A restart forgets everything: throttling slows guessing down, the lockout (in the database) bounds it.
 */
final class FailureThrottle {

    private final int limit;
    private final Duration window;
    private final Duration blockFor;
    private final Clock clock;
    private final Map<String, Entry> entries;

    FailureThrottle(int limit, Duration window, Duration blockFor, int capacity, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.blockFor = blockFor;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Until when the key is refused, if it is now. */
    synchronized Optional<Instant> blockedUntil(String key) {
        if (limit == 0 || key == null) {
            return Optional.empty();
        }
        Entry entry = entries.get(key);
        Instant now = clock.instant();
        return entry != null && entry.blockedUntil != null && now.isBefore(entry.blockedUntil)
                ? Optional.of(entry.blockedUntil) : Optional.empty();
    }

    /** Counts a failure; returns true when this failure reached the limit (the key is refused from now on). */
    synchronized boolean fail(String key) {
        if (limit == 0 || key == null) {
            return false;
        }
        Instant now = clock.instant();
        Entry entry = entries.computeIfAbsent(key, k -> new Entry(now));
        if (!now.isBefore(entry.windowStart.plus(window))) {
            entry.windowStart = now;
            entry.failures = 0;
        }
        entry.failures++;
        if (entry.failures >= limit && (entry.blockedUntil == null || !now.isBefore(entry.blockedUntil))) {
            entry.blockedUntil = now.plus(blockFor);
            entry.windowStart = entry.blockedUntil;
            entry.failures = 0;
            return true;
        }
        return false;
    }

    synchronized int size() {
        return entries.size();
    }

    private static final class Entry {
        Instant windowStart;
        int failures;
        Instant blockedUntil;

        Entry(Instant windowStart) {
            this.windowStart = windowStart;
        }
    }
}
