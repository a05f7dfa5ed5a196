package dev.gangway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code alarms:} block of agent.yml: defaults, every setting, and a message naming the field and the fix. */
class AlarmsConfigTest {

    @TempDir
    Path dir;

    Path file;

    @BeforeEach
    void identity() throws IOException {
        Path identity = Files.createDirectory(dir.resolve("id"));
        for (String name : ConfigLoader.IDENTITY_FILES) {
            Files.writeString(identity.resolve(name), "x");
        }
        file = dir.resolve("agent.yml");
    }

    private AgentConfig load(String alarms) throws Exception {
        Files.writeString(file, "identity: ./id\n" + alarms);
        return ConfigLoader.load(file);
    }

    private String error(String alarms) {
        try {
            load(alarms);
        } catch (ConfigException e) {
            return e.getMessage().substring(("config error: " + file + ": ").length());
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("no error for:\n" + alarms);
    }

    @Test
    void withoutTheBlockThereAreNoAlarms() throws Exception {
        assertThat(load("").alarms()).isEmpty();
    }

    @Test
    void defaultsNextToTheIdentity() throws Exception {
        AlarmsConfig alarms = load("""
                alarms:
                  http:
                    listen: 127.0.0.1:8025
                """).alarms().orElseThrow();
        assertThat(alarms.queueDir()).isEqualTo(dir.resolve("alarms"));
        assertThat(alarms.maxAlarms()).isEqualTo(10_000);
        assertThat(alarms.maxBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(alarms.smtpListen()).isEmpty();
        assertThat(alarms.httpListen()).contains(InetSocketAddress.createUnresolved("127.0.0.1", 8025));
    }

    @Test
    void everySetting() throws Exception {
        AlarmsConfig alarms = load("""
                alarms:
                  queue:
                    dir: spool/alarms
                    max-alarms: 500
                    max-megabytes: 5
                  smtp:
                    listen: 0.0.0.0:2525
                  http:
                    listen: "[::1]:8025"
                """).alarms().orElseThrow();
        assertThat(alarms.queueDir()).isEqualTo(dir.resolve("spool/alarms"));
        assertThat(alarms.maxAlarms()).isEqualTo(500);
        assertThat(alarms.maxBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(alarms.smtpListen()).contains(InetSocketAddress.createUnresolved("0.0.0.0", 2525));
        assertThat(alarms.httpListen()).contains(InetSocketAddress.createUnresolved("::1", 8025));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("alarms: on\n", "alarms: must be a mapping with smtp: {listen: HOST:PORT} and/or http: "
                        + "{listen: HOST:PORT}, not 'on'"),
                Arguments.of("alarms:\n  queue:\n    dir: /tmp/x\n", "alarms: no way in for alarms; add smtp: {listen: "
                        + "HOST:PORT} (mail from the site's devices) and/or http: {listen: 127.0.0.1:8025} (the local "
                        + "HTTP API), or remove alarms:"),
                Arguments.of("alarms:\n  mail:\n    listen: 1.2.3.4:25\n", "alarms.mail: unknown setting; allowed "
                        + "here: queue, smtp, http"),
                Arguments.of("alarms:\n  smtp:\n    port: 25\n", "alarms.smtp.port: unknown setting; allowed here: "
                        + "listen"),
                Arguments.of("alarms:\n  smtp: {}\n", "alarms.smtp.listen: missing; give the address and port to "
                        + "listen on, e.g. listen: 127.0.0.1:2525 (or the agent's LAN address)"),
                Arguments.of("alarms:\n  smtp: 25\n", "alarms.smtp: must be a mapping with listen: HOST:PORT, e.g. "
                        + "listen: 127.0.0.1:2525, not '25'"),
                Arguments.of("alarms:\n  smtp:\n    listen: 2525\n", "alarms.smtp.listen: '2525' is not HOST:PORT; "
                        + "write HOST:PORT, e.g. 127.0.0.1:2525, 0.0.0.0:2525 (every address) or [::1]:2525"),
                Arguments.of("alarms:\n  http:\n    listen: 127.0.0.1:80800\n", "alarms.http.listen: '80800' is not a "
                        + "TCP port (1-65535); write HOST:PORT, e.g. 127.0.0.1:8025, 0.0.0.0:8025 (every address) or "
                        + "[::1]:8025"),
                Arguments.of("alarms:\n  http:\n    listen: ::1:8025\n", "alarms.http.listen: '::1:8025' is not "
                        + "HOST:PORT; write HOST:PORT, e.g. 127.0.0.1:8025, 0.0.0.0:8025 (every address) or [::1]:8025"),
                Arguments.of("alarms:\n  http:\n    listen: bad_host!:8025\n", "alarms.http.listen: 'bad_host!' is not "
                        + "a host name or IP address; write HOST:PORT, e.g. 127.0.0.1:8025, 0.0.0.0:8025 (every "
                        + "address) or [::1]:8025"),
                Arguments.of("alarms:\n  smtp:\n    listen: 127.0.0.1:2525\n  http:\n    listen: 127.0.0.1:2525\n",
                        "alarms.http.listen: is the same address as alarms.smtp.listen; give each its own port"),
                Arguments.of("alarms:\n  queue:\n    max-alarms: 0\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.max-alarms: 0 is out of range; use 1 to 1000000 (default 10000)"),
                Arguments.of("alarms:\n  queue:\n    max-alarms: lots\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.max-alarms: 'lots' is not a whole number of alarms; write e.g. max-alarms: 10000"),
                Arguments.of("alarms:\n  queue:\n    max-megabytes: 1.5\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.max-megabytes: '1.5' is not a whole number of megabytes; write e.g. "
                        + "max-megabytes: 50"),
                Arguments.of("alarms:\n  queue:\n    max-megabytes: 99999\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.max-megabytes: 99999 is out of range; use 1 to 10240 (default 50)"),
                Arguments.of("alarms:\n  queue:\n    dir: [a]\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.dir: must be a directory path like /var/lib/gangway/alarms, not a list"),
                Arguments.of("alarms:\n  queue: here\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue: must be a mapping with dir, max-alarms and max-megabytes (all optional), not "
                                + "'here'"),
                Arguments.of("alarms:\n  queue:\n    max: 3\n  http:\n    listen: 127.0.0.1:8025\n",
                        "alarms.queue.max: unknown setting; did you mean 'max-alarms'? allowed here: dir, max-alarms, "
                                + "max-megabytes"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void mistakesNameTheFieldAndTheFix(String yaml, String message) {
        assertThat(error(yaml)).isEqualTo(message);
    }

    @Test
    void aFileWhereTheQueueDirectoryShouldBe() throws Exception {
        Files.writeString(dir.resolve("taken"), "x");
        assertThat(error("alarms:\n  queue:\n    dir: taken\n  http:\n    listen: 127.0.0.1:8025\n"))
                .isEqualTo("alarms.queue.dir: " + dir.resolve("taken") + " is a file, not a directory; give a "
                        + "directory (the agent creates it if missing)");
    }
}
