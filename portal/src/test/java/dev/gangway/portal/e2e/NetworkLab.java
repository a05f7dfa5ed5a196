package dev.gangway.portal.e2e;


import dev.gangway.portal.MachineTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A machine's site, made of Linux network namespaces, so that the LAN behind a device agent is really out of the
 * portal's reach.
 *
 * <pre>
 *  root namespace (test JVM: portal, relay, HMI proxy, Chromium)
 *     198.A.B.1/30  ── veth ──  198.A.B.2/30   "site" namespace (device agent)
 *     route 198.C.D.0/24 unreachable             198.C.D.1/24 ── veth ── 198.C.D.2/24  "lan" namespace (HMI)
 * </pre>
 *
 * The site namespace has no default route and does not forward, so it reaches only the portal side's address and
 * its LAN; the LAN namespace reaches only the site. The root namespace routes the LAN /24 to "unreachable", so a
 * direct connection from the portal side fails locally instead of following the default route off the machine.
 * Both /24s are drawn at random from 198.18.0.0/15 and the names from a random prefix, so runs never collide.
 *
 * <p>Needs root and iproute2; {@link #create} skips the test (JUnit assumption) otherwise. {@link #close} removes
 * everything it made, also after a failed test, and a shutdown hook does the same if the JVM is stopped.
 */
final class NetworkLab implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String prefix;
    private final String ip;
    private final Path logDir;
    private final String linkNet;
    private final String lanNet;
    private final List<LoggedProcess> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::cleanUp, "network-lab-cleanup");
    private boolean unreachableRoute;
    private boolean rootVeth;
    private boolean closed;

    private NetworkLab(String ip, Path logDir, String linkNet, String lanNet) {
        this.prefix = "gw" + HexFormat.of().formatHex(randomBytes(3));
        this.ip = ip;
        this.logDir = logDir;
        this.linkNet = linkNet;
        this.lanNet = lanNet;
    }

    /**
     * Creates the namespaces and links. Skips the calling test when not running as root or without the
     * {@code ip} command.
     *
     * @param logDir where the output of processes started in the lab goes
     */
    static NetworkLab create(Path logDir) {
        // skipped on a developer's unprivileged run, failed under CI=true
        MachineTools.require(isRoot(), "the network lab needs root (network namespaces); run the end-to-end tests as root,"
                + " e.g. with script/test");
        String ip = findIp();
        MachineTools.require(ip != null, "the network lab needs the ip command: apt-get install iproute2 (script/test does)");
        for (int attempt = 1; ; attempt++) {
            String[] nets = pickNetworks(ip);
            NetworkLab lab = new NetworkLab(ip, logDir, nets[0], nets[1]);
            try {
                lab.build();
                return lab;
            } catch (RuntimeException e) {
                lab.close();
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** The portal side's address on the link to the site: what the agent dials (portal, relay). */
    String portalSideAddress() {
        return linkNet + ".1";
    }

    /** The site's address on the link to the portal side. */
    String siteAddress() {
        return linkNet + ".2";
    }

    /** The site's own address on its LAN. */
    String siteLanAddress() {
        return lanNet + ".1";
    }

    /** The LAN host, reachable only from the site. */
    String lanHostAddress() {
        return lanNet + ".2";
    }

    /** The LAN in CIDR notation. */
    String lanNetwork() {
        return lanNet + ".0/24";
    }

    /** The namespace holding the device agent. */
    String site() {
        return prefix + "-site";
    }

    /** The namespace holding the LAN host (the HMI). */
    String lan() {
        return prefix + "-lan";
    }

    /** Starts a long-running process inside {@code namespace}, its output in {@code <logDir>/<name>.log}. */
    synchronized LoggedProcess start(String namespace, String name, List<String> command) {
        LoggedProcess process = LoggedProcess.start(name, inNamespace(namespace, command), logFile(name));
        processes.add(process);
        return process;
    }

    /** Runs {@code command} inside {@code namespace} to completion and returns its exit code and output. */
    Result run(String namespace, Duration timeout, List<String> command) {
        return exec(inNamespace(namespace, command), timeout);
    }

    /** Whether a TCP connection from {@code namespace} to {@code host:port} succeeds now. */
    boolean canConnect(String namespace, String host, int port) {
        Result result = run(namespace, COMMAND_TIMEOUT,
                List.of("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port));
        return result.exitCode() == 0;
    }

    /**
     * Waits until {@code host:port} accepts connections from {@code namespace}; fails with the output of
     * {@code server} if it does not within {@code timeout} or if the server exits.
     */
    void awaitListening(String namespace, String host, int port, LoggedProcess server, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!canConnect(namespace, host, port)) {
            if (!server.isAlive()) {
                throw new AssertionError(server.name() + " exited before listening on " + host + ":" + port
                        + "\n" + server.report());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(server.name() + " not listening on " + host + ":" + port + " from "
                        + namespace + " after " + timeout + "\n" + server.report());
            }
            pause();
        }
    }

    /** The log file for a process named {@code name}. */
    Path logFile(String name) {
        return logDir.resolve(name + ".log");
    }

    /** What every process started here printed, for a failure report. */
    synchronized String reports() {
        StringBuilder all = new StringBuilder();
        for (LoggedProcess process : processes) {
            all.append(process.report()).append('\n');
        }
        return all.toString();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrNotAdded) {
            // the hook runs (or ran) cleanUp itself
        }
        cleanUp();
    }

    private void build() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // first, so that nothing sent to the LAN from the portal side can ever follow the default route
        ip("route", "add", "unreachable", lanNetwork());
        unreachableRoute = true;

        String rootEnd = prefix + "-r";
        String siteEnd = prefix + "-s";
        String siteLanEnd = prefix + "-a";
        String lanEnd = prefix + "-b";
        for (String namespace : List.of(site(), lan())) {
            ip("netns", "add", namespace);
            namespaces.add(namespace);
            ip("-n", namespace, "link", "set", "lo", "up");
        }

        ip("link", "add", rootEnd, "type", "veth", "peer", "name", siteEnd);
        rootVeth = true;
        ip("link", "set", siteEnd, "netns", site());
        ip("addr", "add", portalSideAddress() + "/30", "dev", rootEnd);
        ip("link", "set", rootEnd, "up");
        ip("-n", site(), "addr", "add", siteAddress() + "/30", "dev", siteEnd);
        ip("-n", site(), "link", "set", siteEnd, "up");

        ip("-n", site(), "link", "add", siteLanEnd, "type", "veth", "peer", "name", lanEnd, "netns", lan());
        ip("-n", site(), "addr", "add", siteLanAddress() + "/24", "dev", siteLanEnd);
        ip("-n", site(), "link", "set", siteLanEnd, "up");
        ip("-n", lan(), "addr", "add", lanHostAddress() + "/24", "dev", lanEnd);
        ip("-n", lan(), "link", "set", lanEnd, "up");
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (LoggedProcess process : processes) {
            process.close();
        }
        for (String namespace : namespaces) {
            // anything still inside the lab's own namespaces was started by this lab (e.g. by a child process)
            Result pids = exec(List.of(ip, "netns", "pids", namespace), COMMAND_TIMEOUT);
            pids.output().lines().map(String::strip).filter(line -> line.matches("\\d+"))
                    .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            quietly("netns", "del", namespaces.get(i));
        }
        if (rootVeth) {
            // usually gone with its peer already; deleting it here covers a namespace kept alive by a straggler
            exec(List.of(ip, "link", "del", prefix + "-r"), COMMAND_TIMEOUT);
        }
        if (unreachableRoute) {
            quietly("route", "del", "unreachable", lanNetwork());
        }
    }

    private void quietly(String... args) {
        Result result = exec(command(args), COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            System.err.println("network lab clean-up: " + String.join(" ", command(args)) + " failed: "
                    + result.output().strip());
        }
    }

    private void ip(String... args) {
        Result result = exec(command(args), COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("network lab set-up failed: " + String.join(" ", command(args))
                    + " exited " + result.exitCode() + ": " + result.output().strip());
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ip);
        command.addAll(List.of(args));
        return command;
    }

    private List<String> inNamespace(String namespace, List<String> command) {
        if (!namespaces.contains(namespace)) {
            throw new IllegalArgumentException("not a namespace of this lab: " + namespace);
        }
        List<String> full = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Runs a command to completion; its output goes through a file so that a chatty command never blocks. */
    static Result exec(List<String> command, Duration timeout) {
        Path output = null;
        try {
            output = Files.createTempFile("gangway-e2e-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + LoggedProcess.redacted(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + LoggedProcess.redacted(command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** Exit code and output (standard output and error together) of a finished command. */
    record Result(int exitCode, String output) {
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String findIp() {
        List<String> candidates = new ArrayList<>();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(dir + "/ip");
            }
        }
        candidates.addAll(List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"));
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst().orElse(null);
    }

    /** Two distinct /24s of 198.18.0.0/15 (as "198.x.y") that nothing in the root namespace uses yet. */
    private static String[] pickNetworks(String ip) {
        String inUse = exec(List.of(ip, "-4", "-o", "route", "show", "table", "all"), COMMAND_TIMEOUT).output()
                + exec(List.of(ip, "-4", "-o", "addr", "show"), COMMAND_TIMEOUT).output();
        String[] picked = new String[2];
        int found = 0;
        while (found < 2) {
            int index = RANDOM.nextInt(512);
            String net = "198." + (18 + index / 256) + "." + (index % 256);
            boolean taken = Pattern.compile("(?<![0-9.])" + Pattern.quote(net + ".")).matcher(inUse).find();
            if (!taken && (found == 0 || !picked[0].equals(net))) {
                picked[found++] = net;
            }
        }
        return picked;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "network lab " + prefix + " (portal side " + portalSideAddress() + ", site " + siteAddress()
                + ", LAN " + lanNetwork() + ")";
    }
}
