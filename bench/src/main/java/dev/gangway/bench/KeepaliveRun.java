package dev.gangway.bench;

import dev.gangway.tunnel.TunnelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The keepalive scenario ({@code --scenario keepalive}): what one idle device tunnel costs on the wire per day at
 * the product's default keepalive settings, beside an idle {@code ssh -N} with {@code ServerAliveInterval 15}.
 *
 * <p>The agent JVM (and, for the peer, the {@code ssh} client) runs in a network namespace of its own, joined to
 * the root namespace by a veth pair; the relay (and sshd) listen on the root side's address. The root side's
 * byte and packet counters, read at the start and end of an idle window, count everything the link carries:
 * Ethernet, IP and TCP headers, every ACK, TLS records and HTTP/2 frames. Nothing is subtracted. IPv6 is switched
 * off on the veths so that router solicitations and the like do not land in the count (ARP stays: a device on
 * Ethernet has it too). Both links are measured in the same window.
 */
final class KeepaliveRun {

    static final String RELAY_ADDRESS = "198.18.250.1";
    static final String AGENT_ADDRESS = "198.18.250.2";
    static final String SSHD_ADDRESS = "198.18.250.5";
    static final String SSH_ADDRESS = "198.18.250.6";

    /**
     * The deployed relay is the portal's EmbeddedRelay: {@code RelaySettings} defaults keepalive-interval 25 s,
     * keepalive-timeout 10 s (RelayServer's own builder default, 30 s / 10 s, is not what runs). On a device tunnel
     * whose agent announces its interval the relay waits {@code max(25 s, 1.5 × the agent's)} before it PINGs.
     */
    static final int RELAY_KEEPALIVE_S = 25;
    static final int RELAY_KEEPALIVE_TIMEOUT_S = 10;
    /**
     * device-agent: {@code AgentConfig.DEFAULT_KEEPALIVE} 120 s, which {@code AgentRunner} passes to
     * {@code TunnelClient.Builder.keepalive(interval)} (answer timeout min(interval, 20 s)).
     */
    static final int AGENT_KEEPALIVE_S = (int) TunnelClient.DEFAULT_KEEPALIVE.toSeconds();
    static final int AGENT_KEEPALIVE_TIMEOUT_S = (int) TunnelClient.KEEPALIVE_ANSWER.toSeconds();
    /**
     * The window's default: two agent intervals. A window that is a whole number of keepalive periods holds that
     * many exchanges whatever its phase (an exchange cut by the start is completed by the one cut by the end).
     */
    static final int DEFAULT_WINDOW_S = 2 * AGENT_KEEPALIVE_S;
    static final int SSH_ALIVE_S = 15;
    static final long TARGET_BYTES_PER_DAY = 300_000;

    static final String DOCS_START = "<!-- bench-keepalive:start -->";
    static final String DOCS_END = "<!-- bench-keepalive:end -->";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final String ip;

    private KeepaliveRun(String ip) {
        this.ip = ip;
    }

    static int run(String[] args) throws Exception {
        int window = DEFAULT_WINDOW_S;
        int settle = 10;
        Path work = null;
        Path docs = null;
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--scenario" -> i++;
                case "--window-seconds" -> {
                    window = Integer.parseInt(args[++i]);
                    shown.add(a + " " + window);
                }
                case "--settle-seconds" -> {
                    settle = Integer.parseInt(args[++i]);
                    shown.add(a + " " + settle);
                }
                case "--work" -> work = Path.of(args[++i]);
                case "--docs" -> docs = Path.of(args[++i]);
                default -> {
                    System.err.println("bench: unknown option '" + a + "' for --scenario keepalive; use "
                            + "--window-seconds N (default " + DEFAULT_WINDOW_S + "), --settle-seconds N (default 10)");
                    return 2;
                }
            }
        }
        if (window < 1 || settle < 0) {
            System.err.println("bench: --window-seconds must be at least 1 and --settle-seconds at least 0");
            return 2;
        }
        String ip = ipBinary();
        if (!isRoot() || ip == null) {
            System.out.println("keepalive: skipped (needs root and iproute2's ip to make network namespaces; root="
                    + isRoot() + ", ip=" + (ip == null ? "missing" : ip) + ")");
            return 0;
        }
        Path dir = work != null ? Files.createDirectories(work)
                : Files.createTempDirectory("gangway-bench-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        KeepaliveRun run = new KeepaliveRun(ip);
        Thread hook = new Thread(run::close, "keepalive-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.execute(dir, docs, window, settle,
                    ("script/bench --scenario keepalive " + String.join(" ", shown)).strip());
        } finally {
            run.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private int execute(Path work, Path docs, int window, int settle, String command) throws Exception {
        Machine machine = Machine.describe();
        log("work directory " + work);
        Link tunnelLink = link("gwbench-ka-tun", "gwka-t0", "gwka-t1", RELAY_ADDRESS, AGENT_ADDRESS);
        Link sshLink = link("gwbench-ka-ssh", "gwka-s0", "gwka-s1", SSHD_ADDRESS, SSH_ADDRESS);

        // the tunnel: relay in the root namespace on the veth address, agent in its namespace
        TestPki pki = new TestPki(work.resolve("pki"));
        Files.createDirectories(work.resolve("pki"));
        pki.create();
        String pkiDir = work.resolve("pki").toString();
        ChildProcess relay = jvm("relay", work, List.of(), List.of(pkiDir, "0", RELAY_ADDRESS,
                String.valueOf(RELAY_KEEPALIVE_S), String.valueOf(RELAY_KEEPALIVE_TIMEOUT_S)));
        int relayPort = Integer.parseInt(field(relay.awaitReady(START_TIMEOUT), "port"));
        ChildProcess agent = jvm("agent", work, List.of(ip, "netns", "exec", tunnelLink.netns),
                List.of(pkiDir, String.valueOf(relayPort), "9", RELAY_ADDRESS,
                        String.valueOf(AGENT_KEEPALIVE_S), String.valueOf(AGENT_KEEPALIVE_TIMEOUT_S)));
        agent.awaitReady(START_TIMEOUT);
        relay.awaitLine(l -> l.startsWith("TUNNEL_UP "), Duration.ofSeconds(15));
        log("tunnel up: relay " + RELAY_ADDRESS + ":" + relayPort + ", agent in " + tunnelLink.netns);

        // the peer: sshd in the root namespace on the other veth, ssh -N in its namespace
        ChildProcess ssh = null;
        String sshFailure = null;
        try {
            ssh = startSsh(work, sshLink);
        } catch (BenchException | IOException e) {
            sshFailure = e.getMessage();
            System.out.println("ssh keepalive: not available (" + sshFailure + ")");
        }

        log("settling for " + settle + " s, then an idle window of " + window + " s");
        Thread.sleep(settle * 1000L);
        Counters tun0 = tunnelLink.counters();
        Counters ssh0 = sshLink.counters();
        Bursts tunBursts = new Bursts();
        Bursts sshBursts = new Bursts();
        long start = System.nanoTime();
        Counters tunPrev = tun0;
        Counters sshPrev = ssh0;
        for (int s = 1; s <= window; s++) {
            long wake = start + s * 1_000_000_000L;
            long left = wake - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            Counters t = tunnelLink.counters();
            Counters h = sshLink.counters();
            tunBursts.bin(t.bytes() - tunPrev.bytes());
            sshBursts.bin(h.bytes() - sshPrev.bytes());
            tunPrev = t;
            sshPrev = h;
        }
        tunBursts.bin(0);
        sshBursts.bin(0);
        double seconds = (System.nanoTime() - start) / 1e9;
        Counters tun = tunPrev.minus(tun0);
        Counters sshUsed = sshPrev.minus(ssh0);

        boolean tunnelSurvived = agent.isAlive() && relay.isAlive()
                && relay.findLine(l -> l.startsWith("TUNNEL_DOWN ")).isEmpty();
        boolean sshSurvived = ssh != null && ssh.isAlive();

        long perDay = Math.round(tun.bytes() * 86400.0 / seconds);
        long sshPerDay = Math.round(sshUsed.bytes() * 86400.0 / seconds);
        String intervals = String.format(Locale.ROOT, "agent PING after %d s idle (answer timeout %d s, device-agent "
                + "default; adaptive, it stays there on a path that keeps idle connections), announced to the relay; "
                + "relay PING only after max(%d s, 1.5 × %d s) = %d s idle (timeout %d s, portal RelaySettings default)",
                AGENT_KEEPALIVE_S, AGENT_KEEPALIVE_TIMEOUT_S, RELAY_KEEPALIVE_S, AGENT_KEEPALIVE_S,
                Math.max(RELAY_KEEPALIVE_S, AGENT_KEEPALIVE_S * 3 / 2), RELAY_KEEPALIVE_TIMEOUT_S);

        System.out.println();
        System.out.println(String.format(Locale.ROOT,
                "keepalive: tunnel window %.1f s after %d s settle on %s: rx %d B + tx %d B = %d B, %d + %d packets, "
                        + "%s, %s; %s%s",
                seconds, settle, tunnelLink.rootIf, tun.rxBytes, tun.txBytes, tun.bytes(), tun.rxPackets,
                tun.txPackets, tunBursts, perExchange(tun, tunBursts.exchanges), intervals,
                tunnelSurvived ? "" : "; WARNING: the tunnel went down during the window"));
        System.out.println("keepalive_bytes_per_day=" + perDay);
        String verdict = verdict(perDay, tun.bytes(), tunBursts.exchanges);
        System.out.println("keepalive: " + verdict);
        String sshLine;
        if (ssh != null) {
            sshLine = String.format(Locale.ROOT,
                    "ssh keepalive: window %.1f s on %s: rx %d B + tx %d B = %d B, %d + %d packets, %s, "
                            + "%s; ssh -N -o ServerAliveInterval=%d (%s)%s",
                    seconds, sshLink.rootIf, sshUsed.rxBytes, sshUsed.txBytes, sshUsed.bytes(), sshUsed.rxPackets,
                    sshUsed.txPackets, sshBursts, perExchange(sshUsed, sshBursts.exchanges), SSH_ALIVE_S,
                    sshVersion(ssh), sshSurvived ? "" : "; WARNING: ssh exited during the window");
            System.out.println(sshLine);
            System.out.println("ssh_keepalive_bytes_per_day=" + sshPerDay);
        } else {
            sshLine = "ssh keepalive: not available (" + sshFailure + ")";
            System.out.println("ssh_keepalive_bytes_per_day=n/a");
        }

        if (docs != null) {
            StringBuilder md = new StringBuilder();
            md.append("## Idle keepalive cost on the wire (latest `--scenario keepalive` run)\n\n");
            md.append("Generated by `").append(command).append("` on ").append(machine.date()).append(".\n\n");
            md.append("- Machine: ").append(machine.cpu()).append(", ").append(machine.cores())
                    .append(" cores, Linux ").append(machine.kernel()).append("; JDK ").append(machine.jdk())
                    .append("\n");
            md.append(String.format(Locale.ROOT, "- Idle window %.1f s after %d s settle; counters of the root "
                    + "side of each veth pair (Ethernet + IP + TCP + TLS + HTTP/2 or SSH, all ACKs, ARP), nothing "
                    + "subtracted\n", seconds, settle));
            md.append("- Tunnel: ").append(intervals).append("\n");
            md.append("- ssh: `ssh -F /dev/null -N -o ServerAliveInterval=" + SSH_ALIVE_S + "` to sshd (")
                    .append(ssh != null ? sshVersion(ssh) : "not available").append(")\n\n");
            md.append("Exchanges are bursts of traffic (runs of 1 s counter samples that changed) larger than 100 B; "
                    + "a burst that starts within " + Bursts.SAME_EXCHANGE_S + " s of an exchange's start belongs to "
                    + "it (after a long idle period each kernel sends a unicast ARP probe 5 s after the exchange); "
                    + "other smaller bursts are lone ARP request/reply pairs (42 B frames). Bytes per exchange = all "
                    + "bytes in the window ÷ exchanges, so ARP is charged to the keepalive.\n\n");
            md.append("| link | bytes in window | packets | exchanges | bytes per exchange | bytes/day |\n");
            md.append("|---|---|---|---|---|---|\n");
            md.append(String.format(Locale.ROOT, "| tunnel (agent ↔ relay) | %d | %d | %d | %s | %d |\n",
                    tun.bytes(), tun.rxPackets + tun.txPackets, tunBursts.exchanges, perExchangeNumber(tun, tunBursts.exchanges),
                    perDay));
            if (ssh != null) {
                md.append(String.format(Locale.ROOT, "| ssh -N (ServerAliveInterval %d) | %d | %d | %d | %s | %d |\n",
                        SSH_ALIVE_S, sshUsed.bytes(), sshUsed.rxPackets + sshUsed.txPackets, sshBursts.exchanges,
                        perExchangeNumber(sshUsed, sshBursts.exchanges), sshPerDay));
            }
            md.append("\nTunnel: ").append(tunBursts).append(" of the window.\n");
            md.append("\n").append(verdict).append("\n\n```\n");
            md.append("keepalive_bytes_per_day=").append(perDay).append("\n");
            md.append("ssh_keepalive_bytes_per_day=").append(ssh != null ? String.valueOf(sshPerDay) : "n/a")
                    .append("\n```\n");
            if (!tunnelSurvived || (ssh != null && !sshSurvived)) {
                md.append("\nWARNING: a connection went down during the window; the numbers are not valid.\n");
            }
            DocsWriter.replaceSection(docs, md.toString(), DOCS_START, DOCS_END);
            log("results written to " + docs);
        }
        return tunnelSurvived ? 0 : 1;
    }

    /**
     * Bursts of traffic in 1 s counter samples: a run of samples with traffic is one burst. A burst above
     * {@link #LINK_ONLY_BYTES} is a keepalive exchange, and a burst that starts within {@link #SAME_EXCHANGE_S} of an
     * exchange's start belongs to it (after an idle period longer than the neighbour cache's reachable time, each
     * kernel sends a unicast ARP probe 5 s after the exchange); another smaller one is link-layer chatter (an ARP
     * request and reply are 2 × 42 B). All are counted, nothing is subtracted.
     */
    private static final class Bursts {
        static final long LINK_ONLY_BYTES = 100;
        static final int SAME_EXCHANGE_S = 10;
        long exchanges;
        long trailing;
        long linkOnly;
        private int lastExchange = -1_000_000;
        /** Second of the window in which each exchange started. */
        final List<Integer> starts = new ArrayList<>();
        private long current;
        private int second;
        private int start;

        void bin(long bytes) {
            second++;
            if (bytes > 0) {
                if (current == 0) {
                    start = second;
                }
                current += bytes;
            } else if (current > 0) {
                if (start - lastExchange <= SAME_EXCHANGE_S) {
                    trailing++;
                } else if (current > LINK_ONLY_BYTES) {
                    exchanges++;
                    starts.add(start);
                    lastExchange = start;
                } else {
                    linkOnly++;
                }
                current = 0;
            }
        }

        @Override
        public String toString() {
            return exchanges + " exchange(s)" + (starts.isEmpty() ? "" : " starting in second(s) " + starts)
                    + (trailing > 0 ? " + " + trailing + " trailing burst(s) within " + SAME_EXCHANGE_S
                            + " s of one (ARP probes)" : "")
                    + (linkOnly > 0 ? " + " + linkOnly + " ARP-only burst(s)" : "");
        }
    }

    private static String verdict(long perDay, long bytes, long exchanges) {
        String met = perDay <= TARGET_BYTES_PER_DAY ? "target ≤ " + TARGET_BYTES_PER_DAY + " B/day met"
                : "target ≤ " + TARGET_BYTES_PER_DAY + " B/day NOT met";
        if (exchanges == 0) {
            return met + " at default settings (no keepalive exchange seen in the window)";
        }
        double per = bytes / (double) exchanges;
        double interval = per * 86400 / TARGET_BYTES_PER_DAY;
        return String.format(Locale.ROOT, "%s at default settings; at %.0f B per keepalive exchange, %d B/day allows "
                + "%.0f exchanges a day, i.e. one every %.0f s or more", met, per, TARGET_BYTES_PER_DAY,
                TARGET_BYTES_PER_DAY / per, interval);
    }

    private static String perExchange(Counters c, long exchanges) {
        return exchanges == 0 ? "no exchange" : String.format(Locale.ROOT, "%.0f B and %.1f packets per exchange",
                c.bytes() / (double) exchanges, (c.rxPackets + c.txPackets) / (double) exchanges);
    }

    private static String perExchangeNumber(Counters c, long exchanges) {
        return exchanges == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", c.bytes() / (double) exchanges);
    }

    private ChildProcess startSsh(Path work, Link sshLink) throws BenchException, IOException {
        Path dir = work.resolve("ssh-keepalive");
        Files.createDirectories(dir);
        SshPath.keygen(dir.resolve("host_key"));
        SshPath.keygen(dir.resolve("user_key"));
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        int port = SshPath.freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress " + SSHD_ADDRESS,
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "X11Forwarding no",
                "PrintMotd no",
                ""), StandardCharsets.UTF_8);
        Files.createDirectories(Path.of("/run/sshd"));
        ChildProcess sshd = ChildProcess.start("sshd-keepalive",
                List.of(SshPath.sshdBinary(), "-D", "-e", "-f", config.toString()), work);
        processes.add(sshd);
        sshd.awaitLine(l -> l.contains("Server listening on " + SSHD_ADDRESS), Duration.ofSeconds(20));
        ChildProcess ssh = ChildProcess.start("ssh-keepalive", List.of(ip, "netns", "exec", sshLink.netns,
                "ssh", "-v", "-F", "/dev/null", "-N", "-o", "ServerAliveInterval=" + SSH_ALIVE_S,
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-i", dir.resolve("user_key").toString(), "-p", String.valueOf(port),
                "root@" + SSHD_ADDRESS), work);
        processes.add(ssh);
        ssh.awaitLine(l -> l.contains("Authenticated to"), Duration.ofSeconds(20));
        log("ssh session up: sshd " + SSHD_ADDRESS + ":" + port + ", ssh in " + sshLink.netns);
        return ssh;
    }

    private static String sshVersion(ChildProcess ssh) {
        return ssh.findLine(l -> l.contains("OpenSSH_")).map(l -> l.replaceAll(".*(OpenSSH_\\S+).*", "$1"))
                .orElse("OpenSSH");
    }

    private ChildProcess jvm(String role, Path work, List<String> prefix, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
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
        command.add(BenchMain.class.getName());
        command.add(role);
        command.addAll(args);
        ChildProcess child = ChildProcess.start(role + "-keepalive", command, work);
        processes.add(child);
        return child;
    }

    private Link link(String netns, String rootIf, String nsIf, String rootAddress, String nsAddress)
            throws BenchException {
        Link l = new Link(netns, rootIf, nsIf);
        l.remove(); // left over from a run that was killed
        links.add(l);
        cmd(ip, "netns", "add", netns);
        cmd(ip, "link", "add", rootIf, "type", "veth", "peer", "name", nsIf, "netns", netns);
        quiet("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + rootIf + "/disable_ipv6");
        quiet(ip, "netns", "exec", netns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + nsIf + "/disable_ipv6");
        cmd(ip, "addr", "add", rootAddress + "/30", "dev", rootIf);
        cmd(ip, "link", "set", rootIf, "up");
        cmd(ip, "netns", "exec", netns, ip, "addr", "add", nsAddress + "/30", "dev", nsIf);
        cmd(ip, "netns", "exec", netns, ip, "link", "set", nsIf, "up");
        cmd(ip, "netns", "exec", netns, ip, "link", "set", "lo", "up");
        log("veth " + rootIf + " (" + rootAddress + ") ↔ " + nsIf + " (" + nsAddress + ") in netns " + netns);
        return l;
    }

    private synchronized void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
        for (Link l : links) {
            l.remove();
        }
        links.clear();
    }

    private final class Link {
        final String netns;
        final String rootIf;
        final String nsIf;

        Link(String netns, String rootIf, String nsIf) {
            this.netns = netns;
            this.rootIf = rootIf;
            this.nsIf = nsIf;
        }

        Counters counters() throws IOException {
            return new Counters(stat("rx_bytes"), stat("tx_bytes"), stat("rx_packets"), stat("tx_packets"));
        }

        private long stat(String name) throws IOException {
            return Long.parseLong(Files.readString(Path.of("/sys/class/net", rootIf, "statistics", name)).strip());
        }

        void remove() {
            quiet(ip, "netns", "del", netns);
            quiet(ip, "link", "del", rootIf);
        }
    }

    private record Counters(long rxBytes, long txBytes, long rxPackets, long txPackets) {
        long bytes() {
            return rxBytes + txBytes;
        }

        Counters minus(Counters o) {
            return new Counters(rxBytes - o.rxBytes, txBytes - o.txBytes, rxPackets - o.rxPackets,
                    txPackets - o.txPackets);
        }
    }

    private static String cmd(String... command) throws BenchException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new BenchException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new BenchException(String.join(" ", command) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted in " + String.join(" ", command));
        }
    }

    private static void quiet(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static String ipBinary() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String field(String readyLine, String key) throws BenchException {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new BenchException("READY line '" + readyLine + "' has no " + key);
    }

    private static final long T0 = System.nanoTime();

    private static void log(String message) {
        System.err.printf(Locale.ROOT, "bench [%5.1f s]: %s%n", (System.nanoTime() - T0) / 1e9, message);
    }
}
