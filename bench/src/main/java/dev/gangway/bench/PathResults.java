package dev.gangway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything measured on one path during a run. */
final class PathResults {

    final String name;
    final List<Double> download = new ArrayList<>();
    final List<Double> upload = new ArrayList<>();
    final List<long[]> rtt64 = new ArrayList<>();
    final List<long[]> rtt1k = new ArrayList<>();
    /** What the path's own processes used during each kind of measurement, by process name. */
    final Map<String, Map<String, ProcStats>> cpu = new LinkedHashMap<>();
    /** What each kind of measurement moved: bytes for streams, round trips for latency. */
    final Map<String, Long> work = new LinkedHashMap<>();
    String details = "";
    /** Why this path was not (fully) measured; null when it was. */
    String failure;

    PathResults(String name) {
        this.name = name;
    }

    boolean measured() {
        return !download.isEmpty() || !rtt64.isEmpty();
    }

    void addStats(String kind, Map<String, ProcStats> before, Map<String, ProcStats> after, long units) {
        Map<String, ProcStats> byProcess = cpu.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        after.forEach((name, stats) -> byProcess.merge(name, stats.minus(before.getOrDefault(name, ProcStats.ZERO)),
                ProcStats::plus));
        work.merge(kind, units, Long::sum);
    }

    LatencyStats latency64() {
        return LatencyStats.of(rtt64);
    }

    LatencyStats latency1k() {
        return LatencyStats.of(rtt1k);
    }

    static Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
