package dev.gangway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The idle-tunnels scenario ({@code --scenario idle-tunnels}): how many idle device tunnels one relay process holds,
 * what each costs in heap beside a bare Netty TLS connection, and how long the whole fleet takes to come back after
 * the relay restarts.
 *
 * <ol>
 *   <li>A relay JVM ({@link IdleRelayRole}: the real {@code RelayServer}) and load-generator JVMs
 *       ({@link LoadGeneratorRole}: real {@code TunnelClient}s, each device with its own key and certificate, many per
 *       JVM on one event loop group) on 127.0.0.1. The relay's heap after full collections is read before the first
 *       tunnel and once all are up and have settled; so is its VmRSS.</li>
 *   <li>The same with a bare TLS server ({@link BareTlsRole}, the relay's TLS settings and socket options, nothing
 *       on top) and bare TLS connections from the same devices: the yardstick, in the same run and on the same JVM
 *       options.</li>
 *   <li>The relay is restarted as a service manager does it (SIGTERM, wait for the exit, start again on the same port)
 *       and the time from the SIGTERM until every tunnel is up again on the new relay is taken. The agents come back
 *       on their own jittered backoff (the device agent's defaults).</li>
 * </ol>
 *
 * <p>Prints {@code idle_tunnels=<n> relay_rss_mb=<m> heap_per_tunnel_vs_bare_tls=<x>} and
 * {@code reconnect_storm_s=<s>}, and rewrites its section of docs/benchmarks.md when given {@code --docs}.
 */
final class IdleTunnelsRun {

    static final String DOCS_START = "<!-- bench-idle-tunnels:start -->";
    static final String DOCS_END = "<!-- bench-idle-tunnels:end -->";
    static final double TARGET_RATIO = 2.0;
    static final long TARGET_RSS_MB = 1024;
    static final double TARGET_STORM_S = 60;
    /** device-agent {@code AgentConfig.DEFAULT_BACKOFF_MIN} / {@code DEFAULT_BACKOFF_MAX}. */
    static final long AGENT_BACKOFF_MIN_MS = 1_000;
    static final long AGENT_BACKOFF_MAX_MS = 60_000;

    static final String USAGE = """
            usage: bench run --scenario idle-tunnels [--tunnels N] [--generators N] [--start-rate N]
                         [--settle-seconds N] [--storm-timeout-seconds N] [--server-java-opts "OPTS"] [--no-bare]
                         [--no-storm] [--histogram] [--work DIR] [--docs FILE]""";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final long T0 = System.nanoTime();

    private final Options options;
    private final Path work;
    private final List<ChildProcess> processes = new ArrayList<>();

    private IdleTunnelsRun(Options options, Path work) {
        this.options = options;
        this.work = work;
    }

    record Options(int tunnels, int generators, int startRate, int settleSeconds, int stormTimeoutSeconds,
            List<String> serverJavaOpts, boolean bare, boolean storm, boolean histogram, Path work, Path docs,
            String command) {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        long files = openFileLimit();
        if (files > 0 && files < options.tunnels + 1_000L) {
            System.err.println("bench: the open-file limit is " + files + " per process; " + options.tunnels
                    + " tunnels need at least " + (options.tunnels + 1_000) + " in the relay (raise it with ulimit -n, "
                    + "or lower --tunnels)");
            return 2;
        }
        Path dir = options.work != null ? Files.createDirectories(options.work)
                : Files.createTempDirectory("gangway-bench-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        IdleTunnelsRun run = new IdleTunnelsRun(options, dir);
        Thread hook = new Thread(run::close, "idle-tunnels-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.execute(files);
        } finally {
            run.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    static Options parse(String[] args) {
        int tunnels = 15_000;
        int generators = 3;
        int startRate = 500;
        int settle = 20;
        int stormTimeout = 300;
        List<String> serverOpts = List.of("-Xms64m", "-Xmx1g");
        boolean bare = true;
        boolean storm = true;
        boolean histogram = false;
        Path work = null;
        Path docs = null;
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--scenario" -> i++;
                case "--tunnels" -> tunnels = positive(a, args, ++i, shown);
                case "--generators" -> generators = positive(a, args, ++i, shown);
                case "--start-rate" -> startRate = positive(a, args, ++i, shown);
                case "--settle-seconds" -> settle = positive(a, args, ++i, shown);
                case "--storm-timeout-seconds" -> stormTimeout = positive(a, args, ++i, shown);
                case "--server-java-opts" -> {
                    String v = value(a, args, ++i);
                    serverOpts = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
                    shown.add(a + " \"" + v + "\"");
                }
                case "--no-bare" -> {
                    bare = false;
                    shown.add(a);
                }
                case "--no-storm" -> {
                    storm = false;
                    shown.add(a);
                }
                case "--histogram" -> histogram = true;
                case "--work" -> work = Path.of(value(a, args, ++i));
                case "--docs" -> docs = Path.of(value(a, args, ++i));
                default -> throw new IllegalArgumentException("unknown option '" + a + "' for --scenario idle-tunnels");
            }
        }
        if (generators > tunnels) {
            throw new IllegalArgumentException("--generators " + generators + " is more than --tunnels " + tunnels);
        }
        return new Options(tunnels, generators, startRate, settle, stormTimeout, serverOpts, bare, storm, histogram,
                work, docs, ("script/bench --scenario idle-tunnels " + String.join(" ", shown)).strip());
    }

    private int execute(long fileLimit) throws Exception {
        Machine machine = Machine.describe();
        int n = options.tunnels;
        log("work directory " + work + "; " + n + " tunnels from " + options.generators + " load generators; open-file "
                + "limit " + (fileLimit > 0 ? fileLimit : "unknown") + " per process");
        FleetPki pki = new FleetPki(work.resolve("pki"));
        pki.create();
        int port = relayPort();

        List<Generator> fleet = startGenerators(pki);
        awaitMinted(fleet);

        // 1. the yardstick: bare TLS connections from the same devices
        long barePerConnection = -1;
        long bareRssKb = -1;
        int bareUp = 0;
        Optional<Path> bareHistogram = Optional.empty();
        if (options.bare) {
            Server bare = startBare(pki, "bare-tls");
            Map<String, String> bareBase = ControlFiles.fields(bare.control.request("heap", Duration.ofSeconds(60)));
            command(fleet, "tls " + bare.port);
            awaitUp(bare, fleet, n, Duration.ofSeconds(120 + 3L * n / options.startRate), "bare TLS connections");
            log("all " + n + " bare TLS connections up; settling for " + options.settleSeconds + " s");
            TimeUnit.SECONDS.sleep(options.settleSeconds);
            Map<String, String> bareFull = ControlFiles.fields(bare.control.request("heap", Duration.ofSeconds(120)));
            bareRssKb = MemoryProbe.rssKb(bare.pid);
            bareUp = Integer.parseInt(bareFull.get("up"));
            barePerConnection = (Long.parseLong(bareFull.get("heap_used")) - Long.parseLong(bareBase.get("heap_used")))
                    / Math.max(1, bareUp);
            log("bare TLS server with " + bareUp + " connections: heap " + mib(bareFull, "heap_used") + ", RSS "
                    + bareRssKb / 1024 + " MiB; " + barePerConnection + " B heap per connection");
            bareHistogram = histogram(bare, "bare-tls-histogram.txt");
            command(fleet, "close");
            stop(bare.process);
        }

        // 2. the relay and its tunnels
        Server relay = startRelay(pki, port, "relay-1");
        Map<String, String> relayBase = ControlFiles.fields(relay.control.request("heap", Duration.ofSeconds(60)));
        log("relay up on 127.0.0.1:" + port + " (pid " + relay.pid + "); heap before: " + mib(relayBase, "heap_used")
                + ", RSS " + kbMib(relayBase, "rss_kb"));
        long rampStart = System.nanoTime();
        long rampCpu0 = cpuNanos(relay.pid);
        command(fleet, "tunnel " + port);
        awaitUp(relay, fleet, n, Duration.ofSeconds(120 + 3L * n / options.startRate), "tunnels");
        double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
        double rampCpuMsPerTunnel = (cpuNanos(relay.pid) - rampCpu0) / 1e6 / n;
        log("all " + n + " tunnels up after " + fmt(rampSeconds) + " s (relay CPU " + fmt(rampCpuMsPerTunnel)
                + " ms per tunnel set up); settling for " + options.settleSeconds + " s");
        TimeUnit.SECONDS.sleep(options.settleSeconds);
        Map<String, String> relayFull = ControlFiles.fields(relay.control.request("heap", Duration.ofSeconds(120)));
        long relayRssKb = MemoryProbe.rssKb(relay.pid);
        int idle = Integer.parseInt(relayFull.get("up"));
        long relayPerTunnel = (Long.parseLong(relayFull.get("heap_used")) - Long.parseLong(relayBase.get("heap_used")))
                / Math.max(1, idle);
        log("relay with " + idle + " tunnels: heap " + mib(relayFull, "heap_used") + " (committed "
                + mib(relayFull, "heap_committed") + "), RSS " + relayRssKb / 1024 + " MiB; "
                + relayPerTunnel + " B heap per tunnel");
        Optional<Path> relayHistogram = histogram(relay, "relay-histogram.txt");
        long relayThreads = threads(relay.pid);

        String ratio = barePerConnection > 0
                ? String.format(Locale.ROOT, "%.2f", relayPerTunnel / (double) barePerConnection) : "n/a";
        String keyLine = "idle_tunnels=" + idle + " relay_rss_mb=" + Math.round(relayRssKb / 1024.0)
                + " heap_per_tunnel_vs_bare_tls=" + ratio;
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "idle tunnels: relay heap %d B per tunnel, bare TLS %s per "
                + "connection (%d connections); relay RSS %d MiB, bare TLS server RSS %s; relay threads %d",
                relayPerTunnel, barePerConnection > 0 ? barePerConnection + " B" : "n/a", bareUp, relayRssKb / 1024,
                bareRssKb > 0 ? bareRssKb / 1024 + " MiB" : "n/a", relayThreads));
        System.out.println(keyLine);
        System.out.flush();

        // 3. the reconnect storm
        Storm storm = null;
        if (options.storm) {
            storm = storm(relay, fleet, pki, port);
            System.out.println(storm.describe());
            System.out.println("reconnect_storm_s=" + (storm.allBack() ? fmt(storm.seconds()) : "n/a"));
        }

        if (options.docs != null) {
            writeDocs(machine, idle, relayPerTunnel, barePerConnection, bareUp, relayRssKb, bareRssKb, ratio, keyLine,
                    storm, rampSeconds, relayThreads);
            log("results written to " + options.docs);
        }
        relayHistogram.ifPresent(p -> log("relay heap histogram: " + p));
        bareHistogram.ifPresent(p -> log("bare TLS heap histogram: " + p));
        boolean ok = idle == n && (storm == null || storm.allBack());
        return ok ? 0 : 1;
    }

    // ---- the storm

    record Storm(long sigtermAt, long exitedAt, long readyAt, Map<String, String> status, long attempts,
            long backoffs, long drains, int expected, int back, double relayCpuSeconds, double loadAverage) {

        boolean allBack() {
            return back >= expected && at("all_at") > 0;
        }

        long at(String key) {
            String v = status.get(key);
            return v == null ? 0 : Long.parseLong(v);
        }

        double seconds() {
            return (at("all_at") - sigtermAt) / 1000.0;
        }

        String since(String key) {
            long t = at(key);
            return t == 0 ? "n/a" : fmt((t - sigtermAt) / 1000.0) + " s";
        }

        String describe() {
            return String.format(Locale.ROOT, "reconnect storm: SIGTERM at 0 s, old relay gone after %s s, new relay "
                    + "ready after %s s; tunnels back: 1%% %s, 10%% %s, 50%% %s, 90%% %s, 99%% %s, all %s (%d of %d); "
                    + "agents made %d connection attempts (%.2f per device), %d backoffs, %d drain reconnects; new "
                    + "relay's CPU meanwhile %.1f s (%.1f ms per tunnel back); 1-min load average after %.1f",
                    fmt((exitedAt - sigtermAt) / 1000.0), fmt((readyAt - sigtermAt) / 1000.0), since("p1_at"),
                    since("p10_at"), since("p50_at"), since("p90_at"), since("p99_at"), since("all_at"), back,
                    expected, attempts, attempts / (double) expected, backoffs, drains, relayCpuSeconds,
                    back == 0 ? 0 : relayCpuSeconds * 1000 / back, loadAverage);
        }
    }

    private Storm storm(Server relay, List<Generator> fleet, FleetPki pki, int port) throws Exception {
        int n = options.tunnels;
        long attempts0 = sum(fleet, "attempts");
        long backoffs0 = sum(fleet, "backoffs");
        long drains0 = sum(fleet, "drains");
        log("restarting the relay (SIGTERM, wait for exit, start on port " + port + ")");
        ProcessHandle old = ProcessHandle.of(relay.pid).orElseThrow();
        long sigtermAt = System.currentTimeMillis();
        old.destroy();
        try {
            old.onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log("the relay did not exit within 60 s of SIGTERM; killing it");
            old.destroyForcibly();
        }
        long exitedAt = System.currentTimeMillis();
        relay.process.close();
        Server fresh = startRelay(pki, port, "relay-2");
        long readyAt = System.currentTimeMillis();
        log("new relay ready " + fmt((readyAt - sigtermAt) / 1000.0) + " s after the SIGTERM; waiting for " + n
                + " tunnels");
        long deadline = sigtermAt + options.stormTimeoutSeconds * 1000L;
        long nextLog = System.currentTimeMillis() + 5_000;
        Map<String, String> status = fresh.control.status();
        while (System.currentTimeMillis() < deadline) {
            status = fresh.control.status();
            if (parse(status, "all_at") > 0) {
                break;
            }
            if (System.currentTimeMillis() >= nextLog) {
                log("storm: " + parse(status, "up") + " of " + n + " back after "
                        + fmt((System.currentTimeMillis() - sigtermAt) / 1000.0) + " s; agents " + sum(fleet, "connected")
                        + " connected, " + (sum(fleet, "attempts") - attempts0) + " attempts");
                nextLog += 5_000;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new Storm(sigtermAt, exitedAt, readyAt, status, sum(fleet, "attempts") - attempts0,
                sum(fleet, "backoffs") - backoffs0, sum(fleet, "drains") - drains0, n, (int) parse(status, "up"),
                cpuNanos(fresh.pid) / 1e9, loadAverage1());
    }

    // ---- processes

    private record Server(ChildProcess process, ControlFiles control, int port, long pid) {
    }

    private record Generator(ChildProcess process, ControlFiles control) {
    }

    private Server startRelay(FleetPki pki, int port, String name) throws Exception {
        ChildProcess p = jvm(name, options.serverJavaOpts, IdleRelayRole.class, List.of(pki.dir().toString(),
                String.valueOf(port), work.toString(), name, String.valueOf(options.tunnels),
                String.valueOf(KeepaliveRun.RELAY_KEEPALIVE_S), String.valueOf(KeepaliveRun.RELAY_KEEPALIVE_TIMEOUT_S)));
        String ready = p.awaitReady(START_TIMEOUT);
        return new Server(p, new ControlFiles(work, name), Integer.parseInt(field(ready, "port")),
                Long.parseLong(field(ready, "pid")));
    }

    private Server startBare(FleetPki pki, String name) throws Exception {
        ChildProcess p = jvm(name, options.serverJavaOpts, BareTlsRole.class, List.of(pki.dir().toString(), work.toString(),
                name, String.valueOf(options.tunnels)));
        String ready = p.awaitReady(START_TIMEOUT);
        return new Server(p, new ControlFiles(work, name), Integer.parseInt(field(ready, "port")),
                Long.parseLong(field(ready, "pid")));
    }

    /**
     * Generator JVMs, each with its share of the devices; the serial collector and small thread stacks (they are not
     * measured, and share the 2 cores with the server).
     */
    private List<Generator> startGenerators(FleetPki pki) throws IOException {
        List<Generator> generators = new ArrayList<>();
        int per = options.tunnels / options.generators;
        int first = 0;
        for (int g = 0; g < options.generators; g++) {
            int count = g == options.generators - 1 ? options.tunnels - first : per;
            String name = "fleet-" + (g + 1);
            double rate = options.startRate / (double) options.generators;
            ChildProcess p = jvm(name, List.of("-Xmx1g", "-Xss256k", "-XX:+UseSerialGC"),
                    LoadGeneratorRole.class, List.of(pki.dir().toString(), String.valueOf(first), String.valueOf(count),
                            String.valueOf(rate), work.toString(), name, "2",
                            String.valueOf(KeepaliveRun.AGENT_KEEPALIVE_S),
                            String.valueOf(KeepaliveRun.AGENT_KEEPALIVE_TIMEOUT_S),
                            String.valueOf(AGENT_BACKOFF_MIN_MS), String.valueOf(AGENT_BACKOFF_MAX_MS)));
            generators.add(new Generator(p, new ControlFiles(work, name)));
            first += count;
        }
        return generators;
    }

    private void awaitMinted(List<Generator> fleet) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(60 + options.tunnels / 20L).toNanos();
        long nextLog = t0 + 10_000_000_000L;
        while (true) {
            boolean all = true;
            for (Generator g : fleet) {
                if (!g.process.isAlive()) {
                    throw new BenchException(g.process.name() + " exited: " + g.process.lastLines());
                }
                all &= "minted".equals(g.control.status().get("phase"));
            }
            if (all) {
                log(options.tunnels + " device keys and certificates made in " + fmt((System.nanoTime() - t0) / 1e9)
                        + " s");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException("the load generators did not make their devices in time: "
                        + generatorStatus(fleet));
            }
            if (System.nanoTime() >= nextLog) {
                log("making device identities: " + generatorStatus(fleet));
                nextLog += 10_000_000_000L;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static void command(List<Generator> fleet, String command) throws IOException, BenchException {
        for (Generator g : fleet) {
            g.control.request(command, Duration.ofSeconds(180));
        }
    }

    /** Waits until the server counts {@code n} connections up, logging progress every 10 s. */
    private void awaitUp(Server server, List<Generator> fleet, int n, Duration timeout, String what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLog = System.nanoTime() + 10_000_000_000L;
        while (true) {
            long up = server.control.statusLong("up");
            if (up >= n) {
                return;
            }
            for (Generator g : fleet) {
                if (!g.process.isAlive()) {
                    throw new BenchException(g.process.name() + " exited: " + g.process.lastLines());
                }
            }
            if (!server.process.isAlive()) {
                throw new BenchException(server.process.name() + " exited: " + server.process.lastLines());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException("only " + up + " of " + n + " " + what + " up after " + timeout.toSeconds()
                        + " s; generators: " + generatorStatus(fleet));
            }
            if (System.nanoTime() >= nextLog) {
                log(up + " of " + n + " " + what + " up; generators: " + generatorStatus(fleet));
                nextLog += 10_000_000_000L;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static String generatorStatus(List<Generator> fleet) throws IOException {
        List<String> parts = new ArrayList<>();
        for (Generator g : fleet) {
            Map<String, String> s = g.control.status();
            parts.add(g.process.name() + " " + s.getOrDefault("phase", "?") + " minted=" + s.getOrDefault("minted", "0")
                    + " connected=" + s.getOrDefault("connected", "0") + " attempts=" + s.getOrDefault("attempts", "0"));
        }
        return String.join(", ", parts);
    }

    private static long sum(List<Generator> fleet, String key) throws IOException {
        long total = 0;
        for (Generator g : fleet) {
            total += g.control.statusLong(key);
        }
        return total;
    }

    private ChildProcess jvm(String name, List<String> javaOpts, Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOpts);
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-cp");
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        command.add(String.join(java.io.File.pathSeparator, entries));
        command.add(main.getName());
        command.addAll(args);
        ChildProcess child = ChildProcess.start(name, command, work);
        synchronized (this) {
            processes.add(child);
        }
        return child;
    }

    private void stop(ChildProcess p) {
        p.close();
        synchronized (this) {
            processes.remove(p);
        }
    }

    private synchronized void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
    }

    /** {@code jcmd <pid> GC.class_histogram} into the work directory, with --histogram. */
    private Optional<Path> histogram(Server server, String file) {
        if (!options.histogram) {
            return Optional.empty();
        }
        Path out = work.resolve(file);
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(server.pid), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return Optional.of(out);
        } catch (IOException e) {
            log("no heap histogram: " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** User + system CPU time of a process so far. */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).map(ProcStats::of).map(ProcStats::cpuNanos).orElse(0L);
    }

    private static double loadAverage1() {
        try {
            return Double.parseDouble(Machine.loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long threads(long pid) {
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * A free port below the kernel's ephemeral range, so that no agent's outgoing connection can take it while the
     * relay restarts.
     */
    private static int relayPort() throws IOException {
        int low = 32768;
        try {
            // readAllLines: Files.readString sees /proc files as empty
            low = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                    .strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // the usual default
        }
        int from = Math.max(10_000, low - 8_000);
        for (int i = 0; i < 200; i++) {
            int candidate = from + ThreadLocalRandom.current().nextInt(Math.max(1, low - from));
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port found between " + from + " and " + low);
    }

    private static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    // ---- docs

    private void writeDocs(Machine machine, int idle, long relayPerTunnel, long barePerConnection, int bareUp,
            long relayRssKb, long bareRssKb, String ratio, String keyLine, Storm storm, double rampSeconds,
            long relayThreads) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("## Idle tunnels on one relay (latest `--scenario idle-tunnels` run)\n\n");
        md.append("Generated by `").append(options.command).append("` on ").append(machine.date()).append(".\n\n");
        md.append("- Machine: ").append(machine.cpu()).append(", ").append(machine.cores()).append(" cores, Linux ")
                .append(machine.kernel()).append("; JDK ").append(machine.jdk()).append("; load average before ")
                .append(machine.loadBefore()).append(", after ").append(Machine.loadAverage()).append("\n");
        md.append("- Open-file limit ").append(openFileLimit()).append(" per process; relay and bare TLS server JVM "
                + "options `").append(String.join(" ", options.serverJavaOpts)).append("`; ")
                .append(options.generators).append(" load-generator JVMs (2 event-loop threads each); initial ramp at most ")
                .append(options.startRate).append(" device starts per second in all, at most ")
                .append(LoadGeneratorRole.WINDOW).append(" per generator started and not yet connected\n");
        md.append(String.format(Locale.ROOT, "- Relay keepalive %d s / %d s (portal default), agents %d s / %d s, "
                + "backoff %d–%d s with jitter (device-agent defaults); every device has its own EC P-256 key and "
                + "certificate\n", KeepaliveRun.RELAY_KEEPALIVE_S, KeepaliveRun.RELAY_KEEPALIVE_TIMEOUT_S,
                KeepaliveRun.AGENT_KEEPALIVE_S, KeepaliveRun.AGENT_KEEPALIVE_TIMEOUT_S, AGENT_BACKOFF_MIN_MS / 1000,
                AGENT_BACKOFF_MAX_MS / 1000));
        md.append(String.format(Locale.ROOT, "- %d tunnels up %.1f s after the first start; measured after %d s "
                + "idle\n\n", idle, rampSeconds, options.settleSeconds));
        md.append("| | connections | heap per connection (after full GC) | RSS | target |\n|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| relay (`RelayServer`, device tunnels) | %d | %d B | %d MiB "
                + "(%d threads) | RSS ≤ %d MiB: %s |\n", idle, relayPerTunnel, Math.round(relayRssKb / 1024.0),
                relayThreads, TARGET_RSS_MB, Math.round(relayRssKb / 1024.0) <= TARGET_RSS_MB ? "met" : "**not met**"));
        if (barePerConnection > 0) {
            md.append(String.format(Locale.ROOT, "| bare Netty TLS server (same TLS settings) | %d | %d B | %d MiB "
                    + "| |\n", bareUp, barePerConnection, Math.round(bareRssKb / 1024.0)));
            double r = relayPerTunnel / (double) barePerConnection;
            md.append(String.format(Locale.ROOT, "| ratio | | %s | | ≤ %.1f: %s |\n", ratio, TARGET_RATIO,
                    r <= TARGET_RATIO ? "met" : "**not met**"));
        }
        md.append("\n");
        if (storm != null) {
            md.append("Relay restart: ").append(storm.describe().substring("reconnect storm: ".length()))
                    .append(String.format(Locale.ROOT, ". Target ≤ %.0f s: %s.\n\n", TARGET_STORM_S,
                            storm.allBack() && storm.seconds() <= TARGET_STORM_S ? "met" : "**not met**"));
        }
        md.append("```\n").append(keyLine).append("\n");
        if (storm != null) {
            md.append("reconnect_storm_s=").append(storm.allBack() ? fmt(storm.seconds()) : "n/a").append("\n");
        }
        md.append("```\n");
        DocsWriter.replaceSection(options.docs, md.toString(), DOCS_START, DOCS_END);
    }

    // ---- small helpers

    private static long parse(Map<String, String> fields, String key) {
        String v = fields.get(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static String mib(Map<String, String> fields, String key) {
        return parse(fields, key) / (1024 * 1024) + " MiB";
    }

    private static String kbMib(Map<String, String> fields, String key) {
        return parse(fields, key) / 1024 + " MiB";
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    private static String field(String readyLine, String key) throws BenchException {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new BenchException("READY line '" + readyLine + "' has no " + key);
    }

    private static String value(String option, String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String[] args, int i, List<String> shown) {
        String v = value(option, args, i);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "' is not a whole number");
        }
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + n);
        }
        shown.add(option + " " + n);
        return n;
    }

    private static void log(String message) {
        System.err.printf(Locale.ROOT, "bench [%6.1f s]: %s%n", (System.nanoTime() - T0) / 1e9, message);
    }
}
