package dev.gangway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gangway's path, in three JVMs like a real deployment: the bench client connects to a {@code LocalForwarder}
 * (client process) → TLS → relay process → TLS → device agent process → target.
 */
final class TunnelPath implements BenchPath {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<ChildProcess> processes;
    private final int port;
    private final String details;

    private TunnelPath(List<ChildProcess> processes, int port, String details) {
        this.processes = processes;
        this.port = port;
        this.details = details;
    }

    static TunnelPath start(Path workDir, int targetPort, boolean profile, int relayThreads) throws BenchException {
        List<ChildProcess> started = new ArrayList<>();
        try {
            TestPki pki = new TestPki(workDir.resolve("pki"));
            java.nio.file.Files.createDirectories(workDir.resolve("pki"));
            pki.create();
            String pkiDir = workDir.resolve("pki").toString();

            ChildProcess relay = jvm("relay", workDir, profile, List.of(pkiDir, String.valueOf(relayThreads)),
                    started);
            String relayReady = relay.awaitReady(START_TIMEOUT);
            int relayPort = Integer.parseInt(field(relayReady, "port"));

            ChildProcess agent = jvm("agent", workDir, profile,
                    List.of(pkiDir, String.valueOf(relayPort), String.valueOf(targetPort)), started);
            String agentReady = agent.awaitReady(START_TIMEOUT);

            ChildProcess client = jvm("client", workDir, profile,
                    List.of(pkiDir, String.valueOf(relayPort), String.valueOf(targetPort)), started);
            String clientReady = client.awaitReady(START_TIMEOUT);
            int port = Integer.parseInt(field(clientReady, "port"));

            // the relay learns of the tunnel just after the agent does: try a real round trip until one works
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Probe.works(port, 2_000)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("no echo through the tunnel after 15 s; relay: " + relay.lastLines()
                            + "; agent: " + agent.lastLines() + "; client: " + client.lastLines());
                }
                Thread.sleep(100);
            }
            String threads = relayThreads > 0 ? " (relay on " + relayThreads + " event loop threads)" : "";
            String details = tls(relayReady).equals(tls(agentReady)) && tls(relayReady).equals(tls(clientReady))
                    ? "client → relay → agent, 3 JVMs, each " + tls(relayReady) + threads
                    : "relay " + tls(relayReady) + "; agent " + tls(agentReady) + "; client " + tls(clientReady)
                            + threads;
            return new TunnelPath(started, port, details);
        } catch (BenchException e) {
            started.forEach(ChildProcess::close);
            throw e;
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            started.forEach(ChildProcess::close);
            throw new BenchException("cannot start the tunnel: " + e, e);
        } catch (InterruptedException e) {
            started.forEach(ChildProcess::close);
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the tunnel", e);
        }
    }

    @Override
    public String name() {
        return "tunnel";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String details() {
        return details;
    }

    @Override
    public java.util.Map<String, ProcStats> stats() {
        java.util.Map<String, ProcStats> stats = new java.util.LinkedHashMap<>();
        for (ChildProcess p : processes) {
            stats.put(p.name(), p.stats());
        }
        return stats;
    }

    @Override
    public void close() {
        // client first, so that the relay and agent see ordinary stream ends rather than resets
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private static ChildProcess jvm(String role, Path workDir, boolean profile, List<String> args,
            List<ChildProcess> started) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        if (profile) {
            command.add("-XX:StartFlightRecording=filename=" + workDir.resolve(role + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(BenchMain.class.getName());
        command.add(role);
        command.addAll(args);
        ChildProcess child = ChildProcess.start(role, command, workDir);
        started.add(child);
        return child;
    }

    /** The children run in the work directory: a relative class path would not resolve there. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String field(String readyLine, String key) throws BenchException {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new BenchException("READY line '" + readyLine + "' has no " + key);
    }

    private static String tls(String readyLine) {
        return readyLine.replaceAll("port=\\d+ ?", "").strip();
    }
}
