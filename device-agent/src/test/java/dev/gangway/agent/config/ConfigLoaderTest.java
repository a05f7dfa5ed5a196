package dev.gangway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

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

    private AgentConfig load(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private String error(String yaml) {
        try {
            load(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    private String prefix() {
        return "config error: " + file + ": ";
    }

    private static String service(String name, String kind, String host, String port) {
        return "  - name: " + name + "\n    kind: " + kind + "\n    host: " + host + "\n    port: " + port + "\n";
    }

    @Test
    void readsACompleteFile() throws Exception {
        AgentConfig config = load("""
                # the agent of line 3
                identity: ./id
                portal: http://portal.example:8080/
                keepalive-seconds: 30
                backoff-min-seconds: 0.5
                backoff-max-seconds: 20
                services:
                  - name: hmi
                    kind: http
                    host: 198.19.0.2
                    port: 80
                  - name: panel-vnc
                    kind: VNC
                    host: Panel.LAN
                    port: 5900
                """);
        assertThat(config.identity()).isEqualTo(dir.resolve("id"));
        assertThat(config.portal()).contains(URI.create("http://portal.example:8080/"));
        assertThat(config.keepalive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.backoffMin()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.services()).containsExactly(
                new ServiceConfig("hmi", ServiceKind.HTTP, "198.19.0.2", 80),
                new ServiceConfig("panel-vnc", ServiceKind.VNC, "panel.lan", 5900));
    }

    @Test
    void appliesDefaults() throws Exception {
        AgentConfig config = load("identity: ./id\nservices:\n" + service("hmi", "http", "198.18.0.5", "80"));
        assertThat(config.portal()).isEmpty();
        assertThat(config.keepalive()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.backoffMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void absoluteIdentityPathIsUsedAsIs() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("conf"));
        Path conf = elsewhere.resolve("agent.yml");
        Files.writeString(conf, "identity: " + dir.resolve("id") + "\n");
        assertThat(ConfigLoader.load(conf).identity()).isEqualTo(dir.resolve("id"));
    }

    @Test
    void anAbsentFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yml")))
                .hasMessage("config error: " + dir.resolve("nope.yml")
                        + ": no such file; pass the agent's YAML configuration with --config");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            70000 | services[1].port: 70000 is not a TCP port (1-65535)
            0     | services[1].port: 0 is not a TCP port (1-65535)
            http  | services[1].port: 'http' is not a TCP port (1-65535)
            8.5   | services[1].port: '8.5' is not a TCP port (1-65535)
            """)
    void badPort(String port, String expected) {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "198.18.0.5", "80")
                + service("plc", "tcp", "198.18.0.6", port))).isEqualTo(prefix() + expected);
    }

    @Test
    void missingPort() {
        assertThat(error("identity: ./id\nservices:\n  - name: hmi\n    kind: http\n    host: 198.18.0.5\n"))
                .isEqualTo(prefix() + "services[0].port: missing; give the service's TCP port (1-65535)");
    }

    @Test
    void missingIdentityFile() throws IOException {
        Files.delete(dir.resolve("id").resolve("device-cert.pem"));
        assertThat(error("identity: ./id\n"))
                .isEqualTo(prefix() + "identity: no device-cert.pem in ./id — run 'register' first");
    }

    @Test
    void missingIdentityDirectory() {
        assertThat(error("identity: ./x\n"))
                .isEqualTo(prefix() + "identity: ./x does not exist — run 'register' first (or fix the path)");
    }

    @Test
    void missingIdentitySetting() {
        assertThat(error("services: []\n")).isEqualTo(prefix()
                + "identity: missing; set it to the directory 'register' wrote, e.g. identity: ./gangway-agent-identity");
    }

    @Test
    void unknownTopLevelKeyWithAHint() {
        assertThat(error("identity: ./id\nkeepalive: 10\n")).isEqualTo(prefix()
                + "keepalive: unknown setting; did you mean 'keepalive-seconds'? allowed here: identity, portal, "
                + "keepalive-seconds, backoff-min-seconds, backoff-max-seconds, services, proxy");
    }

    @Test
    void readsAProxyWithAPasswordFile() throws Exception {
        Files.writeString(dir.resolve("proxy-password"), "pa:ss word\n");
        AgentConfig config = load("""
                identity: ./id
                proxy:
                  host: Proxy.Example
                  port: 3128
                  username: agent
                  password-file: proxy-password
                """);
        ProxySettings proxy = config.proxy().orElseThrow();
        assertThat(proxy.where()).isEqualTo("Proxy.Example:3128");
        assertThat(proxy.address().isUnresolved()).isTrue();
        assertThat(proxy.username()).isEqualTo("agent");
        assertThat(proxy.password()).isEqualTo("pa:ss word");
        assertThat(config.toString()).doesNotContain("pa:ss word");
    }

    @Test
    void aProxyWithoutAuthenticationAndNoProxyAtAll() throws Exception {
        assertThat(load("identity: ./id\nproxy:\n  host: 127.0.0.1\n  port: 3128\n").proxy())
                .contains(ProxySettings.unauthenticated(java.net.InetSocketAddress.createUnresolved("127.0.0.1", 3128)));
        assertThat(load("identity: ./id\n").proxy()).isEmpty();
    }

    @Test
    void proxyMistakesNameTheFieldAndTheFix() throws Exception {
        String base = "identity: ./id\nproxy:\n";
        assertThat(error(base + "  port: 3128\n")).isEqualTo(prefix()
                + "proxy.host: missing; give the HTTP proxy's host name or IP address");
        assertThat(error(base + "  host: proxy.example\n")).isEqualTo(prefix()
                + "proxy.port: missing; give the HTTP proxy's TCP port, often 3128 or 8080");
        assertThat(error(base + "  host: proxy.example\n  port: 99999\n")).isEqualTo(prefix()
                + "proxy.port: 99999 is not a TCP port (1-65535)");
        assertThat(error(base + "  host: proxy example\n  port: 3128\n")).isEqualTo(prefix()
                + "proxy.host: 'proxy example' is not a host name or IP address");
        assertThat(error(base + "  host: p\n  port: 3128\n  user: agent\n")).isEqualTo(prefix()
                + "proxy.user: unknown setting; did you mean 'username'? allowed here: host, port, username, password,"
                + " password-file");
        assertThat(error(base + "  host: p\n  port: 3128\n  username: agent\n")).isEqualTo(prefix()
                + "proxy.password-file: missing; user 'agent' needs a password: put it in a file readable only by"
                + " the agent and set password-file to its path");
        assertThat(error(base + "  host: p\n  port: 3128\n  password: x\n")).startsWith(prefix()
                + "proxy.username: missing; a password is set");
        assertThat(error(base + "  host: p\n  port: 3128\n  username: a\n  password: x\n  password-file: f\n"))
                .isEqualTo(prefix() + "proxy.password: give either password or password-file, not both");
        assertThat(error(base + "  host: p\n  port: 3128\n  username: a\n  password-file: nope\n"))
                .isEqualTo(prefix() + "proxy.password-file: nope does not exist; create it with the proxy password"
                        + " (or fix the path)");
        Files.writeString(dir.resolve("empty"), "\n");
        assertThat(error(base + "  host: p\n  port: 3128\n  username: a\n  password-file: empty\n"))
                .isEqualTo(prefix() + "proxy.password-file: empty is empty; put the proxy password in it");
        assertThat(error("identity: ./id\nproxy: p:3128\n")).startsWith(prefix() + "proxy: must be a mapping");
    }

    @Test
    void unknownServiceKey() {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "198.18.0.5", "80") + "    user: admin\n"))
                .isEqualTo(prefix() + "services[0].user: unknown setting; allowed here: name, kind, host, port");
    }

    @Test
    void badName() {
        assertThat(error("identity: ./id\nservices:\n" + service("My HMI", "http", "198.18.0.5", "80")))
                .isEqualTo(prefix() + "services[0].name: 'My HMI' must be 1-32 characters of a-z, 0-9 and '-' (like hmi or plc-1)");
    }

    @Test
    void duplicateName() {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "198.18.0.5", "80")
                + service("hmi", "vnc", "198.18.0.5", "5900")))
                .isEqualTo(prefix() + "services[1].name: 'hmi' is already used by services[0]; give every service its own name");
    }

    @Test
    void badKind() {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "ftp", "198.18.0.5", "21")))
                .isEqualTo(prefix() + "services[0].kind: 'ftp' is not a service kind; use one of http, https, vnc, rdp, tcp");
    }

    @Test
    void badHost() {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "'my panel'", "80")))
                .isEqualTo(prefix() + "services[0].host: 'my panel' is not a host name or IP address");
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "300.1.1.1", "80")))
                .isEqualTo(prefix() + "services[0].host: '300.1.1.1' is not a host name or IP address");
    }

    @Test
    void wildcardHost() {
        assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", "0.0.0.0", "80")))
                .isEqualTo(prefix() + "services[0].host: 0.0.0.0 is the wildcard address, not a LAN service; "
                        + "give the service's own address");
    }

    @Test
    void localhostNamesAreRefusedButLoopbackLiteralsAreKept() throws Exception {
        for (String host : List.of("localhost", "LocalHost.", "hmi.localhost")) {
            assertThat(error("identity: ./id\nservices:\n" + service("hmi", "http", host, "80")))
                    .isEqualTo(prefix() + "services[0].host: '" + host + "' resolves to the agent's own loopback, "
                            + "which the agent never forwards to; use the panel's LAN address");
        }
        assertThat(load("identity: ./id\nservices:\n" + service("hmi", "http", "127.0.0.1", "8090")).services())
                .containsExactly(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", 8090));
        assertThat(load("identity: ./id\nservices:\n" + service("hmi", "http", "localhost-panel.lan", "80"))
                .services().get(0).host()).isEqualTo("localhost-panel.lan");
    }

    @Test
    void missingHost() {
        assertThat(error("identity: ./id\nservices:\n  - name: hmi\n    kind: http\n    port: 80\n"))
                .isEqualTo(prefix() + "services[0].host: missing; give the service's IP address or host name on the LAN");
    }

    @Test
    void servicesMustBeAList() {
        assertThat(error("identity: ./id\nservices:\n  name: hmi\n")).isEqualTo(prefix()
                + "services: must be a list of services, each '- name: hmi' with kind, host and port; not a mapping");
    }

    @Test
    void keepaliveTooShort() {
        assertThat(error("identity: ./id\nkeepalive-seconds: 2\n"))
                .isEqualTo(prefix() + "keepalive-seconds: 2 is too short; use 5 or more");
    }

    @Test
    void keepaliveNotANumber() {
        assertThat(error("identity: ./id\nkeepalive-seconds: soon\n")).isEqualTo(prefix()
                + "keepalive-seconds: 'soon' is not a whole number of seconds; write e.g. keepalive-seconds: 25");
    }

    @Test
    void backoffMaxShorterThanMin() {
        assertThat(error("identity: ./id\nbackoff-min-seconds: 5\nbackoff-max-seconds: 2\n")).isEqualTo(prefix()
                + "backoff-max-seconds: 2 is shorter than backoff-min-seconds (5); make it at least 5");
    }

    @Test
    void backoffNotPositive() {
        assertThat(error("identity: ./id\nbackoff-min-seconds: 0\n"))
                .isEqualTo(prefix() + "backoff-min-seconds: 0 is too short; use more than 0");
    }

    @Test
    void badPortal() {
        assertThat(error("identity: ./id\nportal: ftp://portal\n")).isEqualTo(prefix()
                + "portal: 'ftp://portal' is not an http(s) URL like http://portal.example:8080");
    }

    @Test
    void emptyFile() {
        assertThat(error("  \n")).isEqualTo(prefix()
                + "the file is empty; it needs at least 'identity:' and 'services:'");
    }

    @Test
    void notAMapping() {
        assertThat(error("- identity\n")).isEqualTo(prefix()
                + "the file must be a mapping of settings like 'identity: ./gangway-agent-identity', not a list");
    }

    @Test
    void notYaml() {
        assertThat(error("identity: ./id\nservices: [\n")).startsWith(prefix() + "not valid YAML at line ");
    }

    @Test
    void duplicateKeyIsAnError() {
        assertThat(error("identity: ./id\nidentity: ./other\n")).startsWith(prefix() + "not valid YAML")
                .contains("identity");
    }
}
