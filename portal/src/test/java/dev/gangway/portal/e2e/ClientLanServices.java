package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The machine's LAN for the client's end-to-end test: the demo HMI (HTTP), OpenSSH's sshd and a Modbus/TCP server,
 * each a real process on the LAN host of a {@link NetworkLab}, reachable only through the device agent.
 * The processes belong to the lab, which stops them when it closes.
 */
final class ClientLanServices {

    static final int HTTP_PORT = SiteTestSupport.LAN_HMI_PORT;
    static final int SSH_PORT = 2222;
    static final int MODBUS_PORT = 502;
    static final int MODBUS_UNIT = 1;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private ClientLanServices() {
    }

    /** The demo HMI of the agent jar on the LAN host's port 80. */
    static LoggedProcess startHttp(NetworkLab lab, AgentJar agentJar) {
        LoggedProcess hmi = lab.start(lab.lan(), "demo-hmi", agentJar.demoHmi(lab.lanHostAddress(), HTTP_PORT));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), HTTP_PORT, hmi, WAIT);
        return hmi;
    }

    /**
     * OpenSSH's sshd on the LAN host, port {@value #SSH_PORT}, with a generated host key and one authorized key
     * (for root) generated here.
     *
     * @return the private key that sshd accepts
     */
    static Path startSshd(NetworkLab lab, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path hostKey = keygen(dir.resolve("ssh_host_ed25519_key"));
            Path userKey = keygen(dir.resolve("user_key"));
            Path authorized = Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
            Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + SSH_PORT,
                    "ListenAddress " + lab.lanHostAddress(),
                    "HostKey " + hostKey,
                    "AuthorizedKeysFile " + authorized,
                    "PidFile " + dir.resolve("sshd.pid"),
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "X11Forwarding no",
                    "PrintMotd no",
                    ""));
            // privilege separation needs this directory; on a machine without systemd nobody else makes it
            Files.createDirectories(Path.of("/run/sshd"));
            LoggedProcess sshd = lab.start(lab.lan(), "sshd", List.of(sshdBinary(), "-D", "-e", "-f",
                    config.toString()));
            lab.awaitListening(lab.site(), lab.lanHostAddress(), SSH_PORT, sshd, WAIT);
            return userKey;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up sshd in " + dir, e);
        }
    }

    /** The Modbus/TCP server ({@link ClientModbusServer}) on the LAN host, port {@value #MODBUS_PORT}. */
    static LoggedProcess startModbus(NetworkLab lab, int registerValue) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        LoggedProcess modbus = lab.start(lab.lan(), "modbus", List.of(java, "-Xmx64m", "-cp", modbusClassPath(),
                ClientModbusServer.class.getName(), lab.lanHostAddress(), Integer.toString(MODBUS_PORT),
                Integer.toString(MODBUS_UNIT), Integer.toString(registerValue)));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), MODBUS_PORT, modbus, WAIT);
        return modbus;
    }

    /** An agent configuration allowing the three LAN services: {@code hmi} (http), {@code ssh}, {@code modbus}. */
    static Path writeAgentConfig(Path file, Path identity, String lanHost) {
        String yaml = """
                identity: %s
                keepalive-seconds: 25
                services:
                  - name: hmi
                    kind: http
                    host: %s
                    port: %d
                  - name: ssh
                    kind: tcp
                    host: %s
                    port: %d
                  - name: modbus
                    kind: tcp
                    host: %s
                    port: %d
                """.formatted(identity, lanHost, HTTP_PORT, lanHost, SSH_PORT, lanHost, MODBUS_PORT);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The classes the Modbus server needs, from where this JVM loaded them (the test classes, j2mod, its serial
     * library and SLF4J): the failsafe JVM's own class path may be a manifest-only jar in a temporary place.
     */
    private static String modbusClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String name : List.of(ClientModbusServer.class.getName(),
                "com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory", "com.fazecast.jSerialComm.SerialPort",
                "org.slf4j.LoggerFactory")) {
            try {
                Class<?> type = Class.forName(name, false, ClientLanServices.class.getClassLoader());
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("cannot find the class path entry of " + name
                        + " for the Modbus server: " + e, e);
            }
        }
        return String.join(File.pathSeparator, new ArrayList<>(entries));
    }

    private static Path keygen(Path key) {
        NetworkLab.Result result = NetworkLab.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                "gangway-e2e", "-f", key.toString()), COMMAND_TIMEOUT);
        assertThat(result.exitCode()).as("ssh-keygen for " + key + ": " + result.output()).isZero();
        return key;
    }

    private static String sshdBinary() {
        for (String candidate : List.of("/usr/sbin/sshd", "/usr/bin/sshd")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("sshd not found: apt-get install openssh-server (script/test does)");
    }
}
