package dev.gangway.bench;

import dev.gangway.portal.desktop.SocketTunnelStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bare tunnel to the VNC server, in three JVMs from the bench jar as the throughput scenario runs it: the
 * bench client JVM's local forwarder → TLS → relay JVM → TLS → agent JVM → Xvnc. Every connection to
 * {@link #port()} is a new ticketed tunnel stream. {@link #close} stops the three processes.
 */
final class DesktopTunnel implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<ChildProcess> processes;
    private final int port;
    private final String details;

    private DesktopTunnel(List<ChildProcess> processes, int port, String details) {
        this.processes = processes;
        this.port = port;
        this.details = details;
    }

    static DesktopTunnel start(Path work, Path benchJar, int vncPort) throws BenchException {
        List<ChildProcess> started = new ArrayList<>();
        try {
            Path pkiDir = Files.createDirectories(work.resolve("pki"));
            new TestPki(pkiDir).create();
            ChildProcess relay = jvm("relay", work, benchJar, List.of(pkiDir.toString()), started);
            String relayReady = relay.awaitReady(START_TIMEOUT);
            String relayPort = field(relayReady, "port");
            ChildProcess agent = jvm("agent", work, benchJar, List.of(pkiDir.toString(), relayPort,
                    String.valueOf(vncPort)), started);
            agent.awaitReady(START_TIMEOUT);
            ChildProcess client = jvm("client", work, benchJar, List.of(pkiDir.toString(), relayPort,
                    String.valueOf(vncPort)), started);
            int port = Integer.parseInt(field(client.awaitReady(START_TIMEOUT), "port"));
            // the relay learns of the tunnel just after the agent: retry until the VNC greeting comes through
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!greets(port)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("no VNC greeting through the tunnel after 15 s; relay: "
                            + relay.lastLines() + "; agent: " + agent.lastLines() + "; client: " + client.lastLines());
                }
                Thread.sleep(100);
            }
            return new DesktopTunnel(started, port, "bench client JVM → relay JVM → agent JVM, each "
                    + relayReady.replaceAll("port=\\d+ ?", "").strip());
        } catch (BenchException e) {
            closeAll(started);
            throw e;
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            closeAll(started);
            throw new BenchException("cannot start the tunnel: " + e, e);
        } catch (InterruptedException e) {
            closeAll(started);
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the tunnel", e);
        }
    }

    int port() {
        return port;
    }

    /** CPU counters of the relay, agent and client JVMs together. */
    ProcStats stats() {
        ProcStats total = ProcStats.ZERO;
        for (ChildProcess p : processes) {
            total = total.plus(p.stats());
        }
        return total;
    }

    String details() {
        return details;
    }

    /** The relay's own count of a closed stream's bytes ({@code STREAM_CLOSED to_device=.. from_device=..}). */
    List<String> relayStreamLines() {
        List<String> out = new ArrayList<>();
        ChildProcess relay = processes.get(0);
        try {
            for (String line : Files.readAllLines(relay.log(), StandardCharsets.UTF_8)) {
                if (line.startsWith("STREAM_CLOSED ")) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            // the log is gone: no lines
        }
        return out;
    }

    @Override
    public void close() {
        closeAll(processes);
    }

    private static void closeAll(List<ChildProcess> processes) {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private static boolean greets(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            s.setSoTimeout(2_000);
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("RFB ");
        } catch (IOException e) {
            return false;
        }
    }

    private static ChildProcess jvm(String role, Path work, Path benchJar, List<String> args,
            List<ChildProcess> started) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        String extra = System.getenv("BENCH_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(benchJar.toAbsolutePath().toString());
        command.add(BenchMain.class.getName());
        command.add(role);
        command.addAll(args);
        ChildProcess child = ChildProcess.start(role, command, work);
        started.add(child);
        return child;
    }

    private static String field(String readyLine, String key) throws BenchException {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new BenchException("READY line '" + readyLine + "' has no " + key);
    }

    /**
     * A stream of the desktop scenario: a TCP connection to the bench client JVM's local forwarder, which opens a fresh
     * ticketed stream through the relay to the agent and on to Xvnc (what the portal's stream opener does inside the
     * portal); bytes counted both ways, reads time out after 60 s.
     */
    static SocketTunnelStream connectForwarder(int forwarderPort) throws IOException {
        SocketTunnelStream stream = SocketTunnelStream.connect(new InetSocketAddress("127.0.0.1", forwarderPort),
                10_000);
        try {
            stream.readTimeout(60_000);
            return stream;
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }
}
