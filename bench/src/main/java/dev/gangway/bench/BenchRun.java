package dev.gangway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The harness: starts the target and every path, measures them interleaved in rounds (direct, ssh, tunnel,
 * client, direct, ...) so that the machine's mood affects all alike, prints the table and key lines and updates
 * docs/benchmarks.md.
 */
final class BenchRun {

    private static final int WARMUP_PER_CONNECTION = 200;
    private static final long WARMUP_CHUNK_BYTES = 64L * 1024 * 1024;
    private static final int WARMUP_CHUNK_ROUND_TRIPS = 1_000;
    private static final long MAX_EXTRA_WARMUP_NANOS = 60_000_000_000L;

    private final BenchOptions options;
    private final Map<String, PathResults> results = new LinkedHashMap<>();
    private final Map<String, BenchPath> paths = new LinkedHashMap<>();

    private BenchRun(BenchOptions options) {
        this.options = options;
        for (String name : BenchOptions.ALL_PATHS) {
            results.put(name, new PathResults(name));
        }
    }

    static int run(BenchOptions options) throws IOException {
        return new BenchRun(options).execute();
    }

    private int execute() throws IOException {
        Machine machine = Machine.describe();
        Path work = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("gangway-bench-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        log("work directory " + work + " (keys, configs, logs)");
        long started = System.nanoTime();
        int roundsDone = 0;
        Thread cleanup = new Thread(this::closePaths, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (TargetServer target = TargetServer.start()) {
            paths.put("direct", BenchPath.direct(target.port()));
            results.get("direct").details = paths.get("direct").details();
            if (options.measures("ssh")) {
                startPath("ssh", () -> SshPath.start(work, target.port()));
            }
            if (options.measures("tunnel")) {
                startPath("tunnel", () -> TunnelPath.start(work, target.port(), options.profile(),
                        options.relayThreads()));
            }
            if (options.measures("client")) {
                startPath("client", () -> ClientPath.start(work, target.port(), options.jars(), options.profile()));
            }
            paths.forEach((name, p) -> log(name + ": " + p.details()));
            results.forEach((name, r) -> {
                if (r.failure != null) {
                    System.out.println(name + ": not available (" + r.failure + ")");
                }
            });

            log("warm-up");
            for (BenchPath p : live()) {
                measure(p, () -> warmUp(p));
            }
            long deadline = started + options.maxSeconds() * 1_000_000_000L;
            for (int round = 1; round <= options.rounds(); round++) {
                if (System.nanoTime() > deadline) {
                    log("time limit of " + options.maxSeconds() + " s reached after " + roundsDone + " round(s)");
                    break;
                }
                runRound();
                roundsDone = round;
                log(String.format(Locale.ROOT, "round %d/%d done (%.0f s)", round, options.rounds(),
                        (System.nanoTime() - started) / 1e9));
            }
        } finally {
            closePaths();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        Report report = new Report(machine, options, selected(), roundsDone, Machine.loadAverage());
        System.out.println();
        System.out.print(report.console());
        System.out.println();
        report.keyLines().forEach((k, v) -> System.out.println(k + "=" + v));
        if (options.docs() != null) {
            DocsWriter.replaceResults(options.docs(), report.markdown());
            log("results written to " + options.docs());
        }
        return roundsDone > 0 ? 0 : 1;
    }

    private void runRound() {
        long bytes = options.bytesPerRound();
        int trips = options.roundTripsPerRound();
        for (BenchPath p : live()) {
            measure(p, "download", bytes, () -> results.get(p.name()).download.add(Probe.download(p.port(), bytes)));
        }
        for (BenchPath p : live()) {
            measure(p, "upload", bytes, () -> results.get(p.name()).upload.add(Probe.upload(p.port(), bytes)));
        }
        for (BenchPath p : live()) {
            measure(p, "rtt", trips + WARMUP_PER_CONNECTION, () -> results.get(p.name()).rtt64.add(
                    Probe.roundTrips(p.port(), 64, trips, WARMUP_PER_CONNECTION)));
        }
        for (BenchPath p : live()) {
            measure(p, "rtt", trips + WARMUP_PER_CONNECTION, () -> results.get(p.name()).rtt1k.add(
                    Probe.roundTrips(p.port(), 1024, trips, WARMUP_PER_CONNECTION)));
        }
    }

    /** Runs one recorded measurement and charges the CPU time the path's processes used to it. */
    private void measure(BenchPath p, String kind, long units, Measurement m) {
        Map<String, ProcStats> before = p.stats();
        measure(p, m);
        if (results.get(p.name()).failure == null) {
            results.get(p.name()).addStats(kind, before, p.stats(), units);
        }
    }

    /**
     * The warm-up of one path: the fixed amount, then, for a path with JVMs, more chunks until their JIT
     * compilers have settled (under 3 % of the path's CPU in a chunk) or the time limit for it is spent. On a
     * busy machine the compilers get little CPU and a fixed warm-up would charge their work to the measurement.
     */
    private void warmUp(BenchPath p) throws IOException {
        long bytes = (long) options.warmupMib() * 1024 * 1024;
        warmUpChunk(p, bytes, options.warmupRoundTrips());
        long until = System.nanoTime() + MAX_EXTRA_WARMUP_NANOS;
        for (int chunk = 1; System.nanoTime() < until; chunk++) {
            Map<String, ProcStats> before = p.stats();
            if (before.isEmpty()) {
                return;
            }
            warmUpChunk(p, WARMUP_CHUNK_BYTES, WARMUP_CHUNK_ROUND_TRIPS);
            ProcStats used = ProcStats.ZERO;
            for (Map.Entry<String, ProcStats> e : p.stats().entrySet()) {
                used = used.plus(e.getValue().minus(before.getOrDefault(e.getKey(), ProcStats.ZERO)));
            }
            double jitShare = used.cpuNanos() == 0 ? 0 : used.jitNanos() / (double) used.cpuNanos();
            log(String.format(Locale.ROOT, "%s warm-up chunk %d: JIT compilers used %.0f %% of its CPU", p.name(),
                    chunk, jitShare * 100));
            if (jitShare < 0.03) {
                return;
            }
        }
        log(p.name() + ": JIT still busy after the longest warm-up; its CPU is reported apart");
    }

    private static void warmUpChunk(BenchPath p, long bytes, int roundTrips) throws IOException {
        if (bytes > 0) {
            Probe.download(p.port(), bytes);
            Probe.upload(p.port(), bytes);
        }
        if (roundTrips > 0) {
            Probe.roundTrips(p.port(), 64, roundTrips, 0);
            Probe.roundTrips(p.port(), 1024, roundTrips, 0);
        }
    }

    /** Paths still being measured, in the fixed order direct, ssh, tunnel, client. */
    private List<BenchPath> live() {
        List<BenchPath> live = new ArrayList<>();
        for (String name : BenchOptions.ALL_PATHS) {
            if (paths.containsKey(name) && results.get(name).failure == null) {
                live.add(paths.get(name));
            }
        }
        return live;
    }

    private Map<String, PathResults> selected() {
        Map<String, PathResults> selected = new LinkedHashMap<>();
        results.forEach((name, r) -> {
            if (options.measures(name)) {
                selected.put(name, r);
            }
        });
        return selected;
    }

    private interface Starter {
        BenchPath start() throws BenchException;
    }

    private interface Measurement {
        void run() throws IOException;
    }

    private void startPath(String name, Starter starter) {
        log("starting " + name);
        try {
            BenchPath p = starter.start();
            paths.put(name, p);
            results.get(name).details = p.details();
        } catch (BenchException e) {
            results.get(name).failure = oneLine(e.getMessage());
        }
    }

    /** A path that fails a measurement is dropped from the rest of the run; the others go on. */
    private void measure(BenchPath p, Measurement m) {
        try {
            m.run();
        } catch (IOException | RuntimeException e) {
            String why = "failed during measurement: " + oneLine(String.valueOf(e));
            results.get(p.name()).failure = why;
            System.out.println(p.name() + ": " + why);
        }
    }

    private synchronized void closePaths() {
        for (String name : List.of("client", "tunnel", "ssh", "direct")) {
            BenchPath p = paths.remove(name);
            if (p != null) {
                p.close();
            }
        }
    }

    private static String oneLine(String s) {
        String flat = s == null ? "unknown error" : s.replaceAll("\\s+", " ").strip();
        return flat.length() > 600 ? flat.substring(0, 600) + "…" : flat;
    }

    private static final long T0 = System.nanoTime();

    private static void log(String message) {
        System.err.printf(Locale.ROOT, "bench [%5.1f s]: %s%n", (System.nanoTime() - T0) / 1e9, message);
    }
}
