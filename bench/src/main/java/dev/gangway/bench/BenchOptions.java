package dev.gangway.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one benchmark run does.
 *
 * @param rounds interleaved rounds (direct, ssh, tunnel, client, direct, ...); totals are split over them
 * @param totalMib bytes per path and direction over all rounds, in MiB (one long stream per round)
 * @param roundTrips round trips per path and message size over all rounds
 * @param warmupMib bytes per path and direction in the unrecorded warm-up round, in MiB
 * @param warmupRoundTrips round trips per path and size in the warm-up round
 * @param paths which of direct, ssh, tunnel and client to measure
 * @param workDir where keys, configs and logs go; a new temporary directory when null
 * @param docs the markdown file whose results section is replaced; none when null
 * @param profile record a JFR profile in each tunnel process
 * @param maxSeconds stop starting new rounds after this long
 * @param relayThreads event loop threads of the relay; 0 keeps the relay's default
 * @param jars the product jars the client path runs (portal, device agent, client); null entries when not given
 */
record BenchOptions(int rounds, int totalMib, int roundTrips, int warmupMib, int warmupRoundTrips, Set<String> paths,
        Path workDir, Path docs, boolean profile, int maxSeconds, int relayThreads, ClientPath.Jars jars) {

    static final String USAGE = """
            usage: bench [run] [--rounds N] [--total-mib N] [--round-trips N] [--warmup-mib N]
                         [--warmup-round-trips N] [--paths direct,ssh,tunnel,client] [--work DIR] [--docs FILE]
                         [--profile] [--max-seconds N] [--relay-threads N]
                         [--portal-jar FILE --agent-jar FILE --client-jar FILE]   (the client path)""";

    static final List<String> ALL_PATHS = List.of("direct", "ssh", "tunnel", "client");

    BenchOptions {
        positive("--rounds", rounds);
        positive("--total-mib", totalMib);
        positive("--round-trips", roundTrips);
        positive("--max-seconds", maxSeconds);
        if (relayThreads < 0) {
            throw new IllegalArgumentException("--relay-threads must be 0 (the relay's default) or more");
        }
        if (warmupMib < 0 || warmupRoundTrips < 0) {
            throw new IllegalArgumentException("--warmup-mib and --warmup-round-trips must be 0 or more");
        }
        if (roundTrips < rounds) {
            throw new IllegalArgumentException("--round-trips " + roundTrips + " is smaller than --rounds " + rounds
                    + "; give at least one round trip per round");
        }
        if (!paths.contains("direct")) {
            throw new IllegalArgumentException("--paths must include direct: added latency is measured against it");
        }
        for (String p : paths) {
            if (!ALL_PATHS.contains(p)) {
                throw new IllegalArgumentException("--paths: unknown path '" + p
                        + "'; use direct, ssh, tunnel, client");
            }
        }
        paths = Set.copyOf(paths);
    }

    static BenchOptions parse(String[] args) {
        int rounds = 4;
        int totalMib = 1024;
        int roundTrips = 10_000;
        int warmupMib = 128;
        int warmupRoundTrips = 2_000;
        Set<String> paths = new LinkedHashSet<>(ALL_PATHS);
        Path work = null;
        Path docs = null;
        boolean profile = false;
        int maxSeconds = 300;
        int relayThreads = 0;
        Path portalJar = null;
        Path agentJar = null;
        Path clientJar = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--rounds" -> rounds = intValue(a, args, ++i);
                case "--total-mib" -> totalMib = intValue(a, args, ++i);
                case "--round-trips" -> roundTrips = intValue(a, args, ++i);
                case "--warmup-mib" -> warmupMib = intValue(a, args, ++i);
                case "--warmup-round-trips" -> warmupRoundTrips = intValue(a, args, ++i);
                case "--max-seconds" -> maxSeconds = intValue(a, args, ++i);
                case "--paths" -> {
                    paths = new LinkedHashSet<>();
                    for (String p : value(a, args, ++i).split(",")) {
                        if (!p.isBlank()) {
                            paths.add(p.trim());
                        }
                    }
                }
                case "--work" -> work = Path.of(value(a, args, ++i));
                case "--docs" -> docs = Path.of(value(a, args, ++i));
                case "--profile" -> profile = true;
                case "--relay-threads" -> relayThreads = intValue(a, args, ++i);
                case "--portal-jar" -> portalJar = Path.of(value(a, args, ++i)).toAbsolutePath();
                case "--agent-jar" -> agentJar = Path.of(value(a, args, ++i)).toAbsolutePath();
                case "--client-jar" -> clientJar = Path.of(value(a, args, ++i)).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return new BenchOptions(rounds, totalMib, roundTrips, warmupMib, warmupRoundTrips, paths, work, docs, profile,
                maxSeconds, relayThreads, new ClientPath.Jars(portalJar, agentJar, clientJar));
    }

    boolean measures(String path) {
        return paths.contains(path);
    }

    long bytesPerRound() {
        return (long) totalMib * 1024 * 1024 / rounds;
    }

    int roundTripsPerRound() {
        return roundTrips / rounds;
    }

    private static String value(String option, String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String option, String[] args, int i) {
        String v = value(option, args, i);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a whole number");
        }
    }

    private static void positive(String option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + value);
        }
    }
}
