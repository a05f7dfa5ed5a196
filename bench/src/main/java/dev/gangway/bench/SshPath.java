package dev.gangway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer to beat: OpenSSH's {@code sshd} on a free 127.0.0.1 port with its own host and user keys, and
 * {@code ssh -N -L} in front of the target, with the default cipher (no user or system ssh_config is read).
 */
final class SshPath implements BenchPath {

    private final ChildProcess sshd;
    private final ChildProcess ssh;
    private final int port;

    private SshPath(ChildProcess sshd, ChildProcess ssh, int port) {
        this.sshd = sshd;
        this.ssh = ssh;
        this.port = port;
    }

    static SshPath start(Path workDir, int targetPort) throws BenchException {
        Path dir = workDir.resolve("ssh");
        ChildProcess sshd = null;
        try {
            Files.createDirectories(dir);
            keygen(dir.resolve("host_key"));
            keygen(dir.resolve("user_key"));
            Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
            int sshdPort = freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n",
                    "Port " + sshdPort,
                    "ListenAddress 127.0.0.1",
                    "HostKey " + dir.resolve("host_key"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                    "PidFile " + dir.resolve("sshd.pid"),
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "AllowTcpForwarding yes",
                    "X11Forwarding no",
                    "PrintMotd no",
                    ""), StandardCharsets.UTF_8);
            // privilege separation needs this directory; on a machine without systemd nobody else makes it
            Files.createDirectories(Path.of("/run/sshd"));
            sshd = ChildProcess.start("sshd", List.of(sshdBinary(), "-D", "-e", "-f", config.toString()), workDir);
            awaitListening(sshd, sshdPort);

            int localPort = freePort();
            ChildProcess ssh = ChildProcess.start("ssh", List.of("ssh", "-v", "-F", "/dev/null", "-N",
                    "-L", "127.0.0.1:" + localPort + ":127.0.0.1:" + targetPort,
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "IdentitiesOnly=yes",
                    "-i", dir.resolve("user_key").toString(), "-p", String.valueOf(sshdPort), "root@127.0.0.1"),
                    workDir);
            try {
                awaitListening(ssh, localPort);
            } catch (BenchException e) {
                ssh.close();
                throw e;
            }
            return new SshPath(sshd, ssh, localPort);
        } catch (IOException e) {
            if (sshd != null) {
                sshd.close();
            }
            throw new BenchException("cannot set up sshd/ssh: " + e.getMessage(), e);
        } catch (BenchException e) {
            if (sshd != null) {
                sshd.close();
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String details() {
        String cipher = ssh.findLine(l -> l.contains("kex: server->client cipher:"))
                .map(l -> l.replaceAll(".*cipher: (\\S+).*", "$1")).orElse("unknown");
        String version = ssh.findLine(l -> l.contains("OpenSSH_")).map(l -> l.replaceAll(".*(OpenSSH_\\S+).*", "$1"))
                .orElse("OpenSSH");
        return version + " ssh -N -L, cipher " + cipher;
    }

    @Override
    public java.util.Map<String, ProcStats> stats() {
        java.util.Map<String, ProcStats> stats = new java.util.LinkedHashMap<>();
        stats.put("ssh", ssh.stats());
        stats.put("sshd", sshd.stats());
        return stats;
    }

    @Override
    public void close() {
        ssh.close();
        sshd.close();
    }

    static String sshdBinary() {
        for (String candidate : List.of("/usr/sbin/sshd", "/usr/bin/sshd")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "/usr/sbin/sshd";
    }

    static void keygen(Path key) throws IOException, BenchException {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gangway-bench",
                "-f", key.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new BenchException("ssh-keygen failed for " + key + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted in ssh-keygen");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code port} accepts connections, failing early if the process exits. */
    private static void awaitListening(ChildProcess process, int port) throws BenchException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchException(process.name() + " exited: " + process.lastLines());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        throw new BenchException(process.name() + " does not listen on 127.0.0.1:" + port + " after 20 s: "
                + process.lastLines());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
