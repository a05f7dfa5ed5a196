package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The device agent's command line as a user runs it: {@code java -jar device-agent-…-all.jar …}, with the same
 * {@code java} that runs the tests. The reactor builds the jar before the portal's integration tests.
 */
final class AgentJar {

    private final String java;
    private final Path jar;

    private AgentJar(String java, Path jar) {
        this.java = java;
        this.jar = jar;
    }

    /** Finds {@code device-agent/target/device-agent-*-all.jar} next to the portal module. */
    static AgentJar locate() {
        Path target = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolveSibling("device-agent")
                .resolve("target");
        Path found = null;
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "device-agent-*-all.jar")) {
                for (Path candidate : jars) {
                    found = candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(found).as("the device agent jar in " + target + ": build it first (./mvnw -B verify builds it;"
                + " alone: ./mvnw -B -o -pl device-agent package -DskipTests)").isNotNull();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new AgentJar(java, found);
    }

    /** {@code register --portal URL --key KEY --identity DIR --serial SERIAL}. */
    List<String> register(String portalUrl, String key, Path identity, String serial) {
        return command("register", "--portal", portalUrl, "--key", key, "--identity", identity.toString(),
                "--serial", serial);
    }

    /** {@code run --config FILE}. */
    List<String> run(Path config) {
        return command("run", "--config", config.toString());
    }

    /** {@code demo-hmi --bind HOST --port PORT}. */
    List<String> demoHmi(String host, int port) {
        return command("demo-hmi", "--bind", host, "--port", Integer.toString(port));
    }

    /**
     * Writes an agent configuration allowing one HTTP service named {@code hmi}.
     *
     * @return the configuration file
     */
    static Path writeConfig(Path file, Path identity, String hmiHost, int hmiPort) {
        String yaml = """
                identity: %s
                keepalive-seconds: 25
                services:
                  - name: hmi
                    kind: http
                    host: %s
                    port: %d
                """.formatted(identity, hmiHost, hmiPort);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code alarms:} block (and short reconnect delays) to append to a configuration from
     * {@link #writeConfig}: the queue in {@code queueDir}, the SMTP listener on {@code smtpHost:smtpPort}.
     */
    static String alarmsConfig(Path queueDir, String smtpHost, int smtpPort) {
        return """
                backoff-max-seconds: 2
                alarms:
                  queue:
                    dir: %s
                  smtp:
                    listen: %s:%d
                """.formatted(queueDir, smtpHost, smtpPort);
    }

    /**
     * {@code register --portal URL --account A --user U --password-file F --device-name NAME --identity DIR
     * --serial SERIAL}: registration by device name.
     */
    List<String> registerByName(String portalUrl, String account, String user, Path passwordFile, String deviceName,
            Path identity, String serial) {
        return command("register", "--portal", portalUrl, "--account", account, "--user", user, "--password-file",
                passwordFile.toString(), "--device-name", deviceName, "--identity", identity.toString(), "--serial",
                serial);
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public String toString() {
        return jar.toString();
    }
}
