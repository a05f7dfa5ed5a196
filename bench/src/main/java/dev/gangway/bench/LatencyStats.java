package dev.gangway.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Round-trip times of one path and message size, pooled over all rounds.
 *
 * @param count round trips measured
 * @param p50 median, in nanoseconds (nearest rank)
 * @param p99 99th percentile, in nanoseconds (nearest rank)
 * @param max slowest round trip, in nanoseconds
 * @param over40ms round trips of 40 ms or more (the Nagle plus delayed-ACK signature)
 */
record LatencyStats(int count, long p50, long p99, long max, int over40ms) {

    static final long FORTY_MS = 40_000_000L;

    static LatencyStats of(List<long[]> samples) {
        int total = samples.stream().mapToInt(a -> a.length).sum();
        if (total == 0) {
            return null;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] a : samples) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        Arrays.sort(all);
        int over = 0;
        for (long v : all) {
            if (v >= FORTY_MS) {
                over++;
            }
        }
        return new LatencyStats(total, rank(all, 0.50), rank(all, 0.99), all[total - 1], over);
    }

    private static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
