package dev.gangway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's own path, as an engineer uses it: the bench client connects to a port of the client CLI
 * ({@code gangway-client.jar connect --forward}) → TLS with the client's short-lived certificate → the portal's
 * embedded relay → TLS → the device agent ({@code device-agent run}) → target. Three JVMs from the product jars, not
 * the bench's own roles: the portal (H2 in the run's work directory, demo mode so that it writes an activation key
 * for "Demo machine"), the device agent registered with that key and allowing exactly the target, and the client
 * signed in as the portal's first admin (who holds every right, "Client port forwards" included). Every connection
 * to the forward asks the portal for a ticket bound to the client's certificate, which the relay checks with the
 * user's right, as in production.
 */
final class ClientPath implements BenchPath {

    static final String DEVICE_NAME = "Demo machine";

    private static final Duration PORTAL_START = Duration.ofSeconds(180);
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final Duration ONLINE = Duration.ofSeconds(90);
    private static final Pattern LOCAL = Pattern.compile("\"local\"\\s*:\\s*\"127\\.0\\.0\\.1:(\\d+)\"");

    private final List<ChildProcess> processes;
    private final int port;
    private final String details;

    private ClientPath(List<ChildProcess> processes, int port, String details) {
        this.processes = processes;
        this.port = port;
        this.details = details;
    }

    /** The three product jars this path runs; any of them may be null when not built. */
    record Jars(Path portal, Path agent, Path client) {

        void check() throws BenchException {
            for (Path jar : new Path[] {portal, agent, client}) {
                if (jar == null || !Files.isRegularFile(jar)) {
                    throw new BenchException("the client path needs the portal, agent and client jars (--portal-jar,"
                            + " --agent-jar, --client-jar; script/bench builds and passes them); missing: " + jar);
                }
            }
        }
    }

    static ClientPath start(Path workDir, int targetPort, Jars jars, boolean profile) throws BenchException {
        jars.check();
        List<ChildProcess> started = new ArrayList<>();
        try {
            Path dir = Files.createDirectories(workDir.resolve("client-path"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path data = dir.resolve("portal-data");
            String adminPassword = "bench-" + HexFormat.of().formatHex(randomBytes(12));
            Path passwordFile = Files.writeString(dir.resolve("admin-password"), adminPassword + "\n");
            int portalPort = SshPath.freePort();
            int relayPort = SshPath.freePort();
            int hmiPort = SshPath.freePort();
            String portalUrl = "http://127.0.0.1:" + portalPort;

            // the portal, with its relay on loopback; demo mode writes an activation key for "Demo machine"
            ChildProcess portal = start("portal", workDir, profile, List.of("-jar", jars.portal().toString(),
                    "--server.port=" + portalPort, "--server.address=127.0.0.1", "--gangway.data-dir=" + data,
                    "--gangway.relay.port=" + relayPort, "--gangway.relay.bind-address=127.0.0.1",
                    "--gangway.relay.public-host=127.0.0.1", "--gangway.hmi.port=" + hmiPort,
                    "--gangway.hmi.bind-address=127.0.0.1", "--gangway.demo.enabled=true"),
                    Map.of("GANGWAY_ADMIN_PASSWORD", adminPassword), started);
            Path key = data.resolve("demo").resolve("activation-key");
            awaitFile(portal, key, PORTAL_START);

            // the device agent: registered with that key, allowing exactly the target
            Path identity = dir.resolve("agent-identity");
            ChildProcess register = start("agent-register", workDir, false, List.of("-jar", jars.agent().toString(),
                    "register", "--portal", portalUrl, "--key-file", key.toString(), "--identity", identity.toString(),
                    "--serial", "bench-client-path"), Map.of(), new ArrayList<>());
            int registered = register.awaitExit(COMMAND);
            if (registered != 0) {
                throw new BenchException("device-agent register exited " + registered + ": " + register.lastLines());
            }
            Path config = Files.writeString(dir.resolve("agent.yml"), """
                    identity: %s
                    keepalive-seconds: 25
                    services:
                      - name: target
                        kind: tcp
                        host: 127.0.0.1
                        port: %d
                    """.formatted(identity, targetPort), StandardCharsets.UTF_8);
            ChildProcess agent = start("agent", workDir, profile, List.of("-jar", jars.agent().toString(), "run",
                    "--config", config.toString()), Map.of(), started);

            // the client: signed in once (session file in the work directory), then connect with one forward
            Path session = dir.resolve("client-session.json");
            List<String> client = List.of("-jar", jars.client().toString());
            runClient("client-login", workDir, client, List.of("login", "--portal", portalUrl, "--account", "default",
                    "--user", "admin", "--password-file", passwordFile.toString(), "--session-file",
                    session.toString()));
            awaitOnline(workDir, client, session, agent);
            List<String> connect = new ArrayList<>(client);
            connect.addAll(List.of("connect", DEVICE_NAME, "--json", "--no-services", "--forward",
                    "127.0.0.1:" + targetPort, "--session-file", session.toString()));
            ChildProcess forwarder = start("client", workDir, profile, connect, Map.of(), started);
            String json = forwarder.awaitLine(l -> l.startsWith("{"), COMMAND);
            Matcher local = LOCAL.matcher(json);
            if (!local.find()) {
                throw new BenchException("connect printed no local 127.0.0.1 port: " + json);
            }
            int port = Integer.parseInt(local.group(1));

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Probe.works(port, 2_000)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("no echo through the client's forward after 30 s; portal: "
                            + portal.lastLines() + "; agent: " + agent.lastLines() + "; client: "
                            + forwarder.lastLines());
                }
                Thread.sleep(200);
            }
            String details = "gangway-client.jar connect --forward → portal's embedded relay → device-agent run,"
                    + " 3 JVMs from the product jars (portal on H2, client signed in as admin, a portal ticket bound"
                    + " to the client certificate per connection)";
            return new ClientPath(started, port, details);
        } catch (BenchException e) {
            closeAll(started);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw new BenchException("cannot start the client path: " + e, e);
        } catch (InterruptedException e) {
            closeAll(started);
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the client path", e);
        }
    }

    @Override
    public String name() {
        return "client";
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
    public Map<String, ProcStats> stats() {
        Map<String, ProcStats> stats = new LinkedHashMap<>();
        for (ChildProcess p : processes) {
            stats.put(p.name(), p.stats());
        }
        return stats;
    }

    @Override
    public void close() {
        closeAll(processes);
    }

    /** The client first (a clean end of its streams), then the agent, then the portal. */
    private static void closeAll(List<ChildProcess> processes) {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private static void runClient(String name, Path workDir, List<String> jar, List<String> args)
            throws IOException, BenchException {
        List<String> command = new ArrayList<>(jar);
        command.addAll(args);
        ChildProcess run = start(name, workDir, false, command, Map.of(), new ArrayList<>());
        int exit = run.awaitExit(COMMAND);
        if (exit != 0) {
            throw new BenchException("gangway " + args.get(0) + " exited " + exit + ": " + run.lastLines());
        }
    }

    /** Asks the portal through the client until it lists the device online (the agent's tunnel is up). */
    private static void awaitOnline(Path workDir, List<String> jar, Path session, ChildProcess agent)
            throws IOException, BenchException, InterruptedException {
        long deadline = System.nanoTime() + ONLINE.toNanos();
        for (int attempt = 1; ; attempt++) {
            List<String> command = new ArrayList<>(jar);
            command.addAll(List.of("devices", "--online", "--json", "--session-file", session.toString()));
            ChildProcess devices = start("client-devices", workDir, false, command, Map.of(), new ArrayList<>());
            int exit = devices.awaitExit(COMMAND);
            if (exit == 0 && devices.findLine(l -> l.contains(DEVICE_NAME)).isPresent()) {
                return;
            }
            if (!agent.isAlive()) {
                throw new BenchException("the device agent exited: " + agent.lastLines());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException("the device is not online after " + ONLINE.toSeconds() + " s (" + attempt
                        + " checks); devices: " + devices.lastLines() + "; agent: " + agent.lastLines());
            }
            Thread.sleep(500);
        }
    }

    private static void awaitFile(ChildProcess process, Path file, Duration timeout)
            throws BenchException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.isRegularFile(file)) {
            if (!process.isAlive()) {
                throw new BenchException(process.name() + " exited before writing " + file + ": "
                        + process.lastLines());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException(process.name() + " did not write " + file + " within "
                        + timeout.toSeconds() + " s: " + process.lastLines());
            }
            Thread.sleep(100);
        }
    }

    private static ChildProcess start(String name, Path workDir, boolean profile, List<String> args,
            Map<String, String> env, List<ChildProcess> started) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        if (profile) {
            command.add("-XX:StartFlightRecording=filename=" + workDir.resolve(name + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank() && !name.contains("-")) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(args);
        ChildProcess child = ChildProcess.start(name, command, workDir, env);
        started.add(child);
        return child;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
