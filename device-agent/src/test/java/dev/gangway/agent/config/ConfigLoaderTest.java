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
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

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
        assertThat(config.keepalive()).isEqualTo(Duration.ofSeconds(180));
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
                + "keepalive-seconds, backoff-min-seconds, backoff-max-seconds, services, proxy, key-switch, alarms, "
                + "easy-setup, sms, on-demand");
    }

    @Test
    void aMissingIdentityIsFineWhenTheAgentCanRegisterByItself() throws Exception {
        AgentConfig config = load("identity: ./new-id\neasy-setup:\n  path: ./stick\n");
        assertThat(config.identity()).isEqualTo(dir.resolve("new-id"));
        assertThat(config.easySetup()).contains(new EasySetupConfig(dir.resolve("stick")));
        assertThat(config.canSelfRegister()).isTrue();
        assertThat(load("identity: ./new-id\nsms:\n  inbox: /var/spool/gammu/inbox\n  register-account: acme\n")
                .sms().orElseThrow().registerAccount()).contains("acme");
        // an SMS inbox alone (wake-up messages) does not let an unregistered device join anything
        assertThat(error("identity: ./new-id\nsms:\n  inbox: /var/spool/gammu/inbox\n"))
                .startsWith(prefix() + "identity: ./new-id does not exist");
        assertThat(error("identity: ./new-id\nservices: []\n")).startsWith(prefix() + "identity: ./new-id does not exist");
    }

    @Test
    void readsSmsAndOnDemand() throws Exception {
        AgentConfig config = load("identity: ./id\nsms:\n  inbox: inbox\n  allowed-senders: [\"+41790000000\"]\n"
                + "on-demand:\n  idle-timeout-seconds: 120\n");
        assertThat(config.sms()).contains(new SmsConfig(dir.resolve("inbox"), java.util.List.of("+41790000000")));
        assertThat(config.onDemand()).contains(new OnDemandConfig(java.time.Duration.ofSeconds(120)));
        assertThat(load("identity: ./id\nsms: {inbox: x}\non-demand: {}\n").onDemand())
                .contains(new OnDemandConfig(OnDemandConfig.DEFAULT_IDLE_TIMEOUT));
    }

    @Test
    void badSmsEasySetupAndOnDemandBlocksNameTheFix() {
        assertThat(error("identity: ./id\non-demand: {}\n")).isEqualTo(prefix() + "on-demand: an on-demand device is "
                + "woken by SMS; add sms: {inbox: /var/spool/gammu/inbox} (the inbox of gammu-smsd's files backend), "
                + "or remove on-demand:");
        assertThat(error("identity: ./id\nsms: {inbox: x}\non-demand: {idle-timeout-seconds: 5}\n"))
                .isEqualTo(prefix() + "on-demand.idle-timeout-seconds: 5 is out of range; use 10 to 86400 seconds");
        assertThat(error("identity: ./id\nsms: {inbox: x, allowed-senders: [\"me\"]}\n")).isEqualTo(prefix()
                + "sms.allowed-senders: 'me' is not a phone number; write it as the SMS inbox names it, e.g. "
                + "\"+41790000000\"");
        assertThat(error("identity: ./id\nsms: {}\n")).startsWith(prefix() + "sms.inbox: must be the inbox directory");
        assertThat(error("identity: ./id\neasy-setup: /media/usb\n")).startsWith(prefix()
                + "easy-setup: must be a mapping like easy-setup: {path: /media/gangway}");
        assertThat(error("identity: ./id\neasy-setup: {mount: x}\n")).startsWith(prefix() + "easy-setup.mount: unknown");
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
    void readsAnNtlmProxy() throws Exception {
        Files.writeString(dir.resolve("proxy-password"), "s3cret\n");
        AgentConfig config = load("""
                identity: ./id
                proxy:
                  host: proxy.factory.example
                  port: 8080
                  auth: NTLM
                  domain: FACTORY
                  workstation: LINE-4
                  username: gangway
                  password-file: proxy-password
                """);
        ProxySettings proxy = config.proxy().orElseThrow();
        assertThat(proxy.scheme()).isEqualTo(ProxySettings.Scheme.NTLM);
        assertThat(proxy.domain()).isEqualTo("FACTORY");
        assertThat(proxy.workstation()).isEqualTo("LINE-4");
        assertThat(proxy.account()).isEqualTo("FACTORY\\gangway");
        assertThat(proxy.password()).isEqualTo("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void basicIsTheDefaultWithAUserName() throws Exception {
        Files.writeString(dir.resolve("proxy-password"), "pw\n");
        ProxySettings proxy = load("identity: ./id\nproxy:\n  host: p\n  port: 3128\n  username: a\n"
                + "  password-file: proxy-password\n").proxy().orElseThrow();
        assertThat(proxy.scheme()).isEqualTo(ProxySettings.Scheme.BASIC);
        assertThat(load("identity: ./id\nproxy:\n  host: p\n  port: 3128\n  auth: basic\n  username: a\n"
                + "  password-file: proxy-password\n").proxy().orElseThrow().scheme())
                .isEqualTo(ProxySettings.Scheme.BASIC);
    }

    @Test
    void ntlmMistakesNameTheField() throws Exception {
        Files.writeString(dir.resolve("proxy-password"), "pw\n");
        String base = "identity: ./id\nproxy:\n  host: p\n  port: 3128\n";
        assertThat(error(base + "  auth: kerberos\n  username: a\n  password-file: proxy-password\n"))
                .isEqualTo(prefix() + "proxy.auth: 'kerberos' is not a proxy authentication scheme; give basic or ntlm");
        assertThat(error(base + "  domain: FACTORY\n  username: a\n  password-file: proxy-password\n"))
                .isEqualTo(prefix() + "proxy.domain: only NTLM uses it; set auth: ntlm (or remove it for Basic"
                        + " authentication)");
        assertThat(error(base + "  auth: ntlm\n")).startsWith(prefix() + "proxy.username: missing; auth is set");
        assertThat(error(base + "  auth: ntlm\n  username: FACTORY\\a\n  password-file: proxy-password\n"))
                .startsWith(prefix() + "proxy.username: 'FACTORY\\a' contains a backslash; put the domain in"
                        + " proxy.domain");
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
                + "proxy.user: unknown setting; did you mean 'username'? allowed here: host, port, auth, domain,"
                + " workstation, username, password, password-file");
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
                + "keepalive-seconds: 'soon' is not a whole number of seconds; write e.g. keepalive-seconds: 180");
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

    @Test
    void readsAKeySwitchWithAGpioInputAndAStatusFile() throws Exception {
        Files.createDirectory(dir.resolve("run"));
        AgentConfig config = load("""
                identity: ./id
                key-switch:
                  input:
                    file: /sys/class/gpio/gpio17/value
                    invert: true
                  poll-millis: 250
                  missing: on
                  status-output:
                    file: run/tunnel-status
                    up: 1
                    down: 0
                """);
        KeySwitchConfig keySwitch = config.keySwitch().orElseThrow();
        assertThat(keySwitch.input()).isEqualTo(new KeySwitchConfig.FileTarget(Path.of("/sys/class/gpio/gpio17/value")));
        assertThat(keySwitch.invert()).isTrue();
        assertThat(keySwitch.poll()).isEqualTo(Duration.ofMillis(250));
        assertThat(keySwitch.missingMeansOn()).isTrue();
        assertThat(keySwitch.statusOutput()).contains(new KeySwitchConfig.StatusOutputConfig(
                new KeySwitchConfig.FileTarget(dir.resolve("run/tunnel-status")), "1", "0"));
    }

    @Test
    void keySwitchDefaultsFailClosedAndACommandIsFoundOnThePath() throws Exception {
        AgentConfig config = load("""
                identity: ./id
                key-switch:
                  input:
                    command: [true, --pin, 17]
                  status-output:
                    command: ["sh", "-c", "echo {state}"]
                """);
        KeySwitchConfig keySwitch = config.keySwitch().orElseThrow();
        assertThat(keySwitch.input()).isInstanceOfSatisfying(KeySwitchConfig.CommandTarget.class, c -> {
            assertThat(Path.of(c.argv().get(0))).isAbsolute().endsWith(Path.of("true"));
            assertThat(c.argv().subList(1, 3)).containsExactly("--pin", "17");
        });
        assertThat(keySwitch.invert()).isFalse();
        assertThat(keySwitch.poll()).isEqualTo(Duration.ofMillis(500));
        assertThat(keySwitch.missingMeansOn()).isFalse();
        assertThat(keySwitch.statusOutput().orElseThrow().up()).isEqualTo("up");
        assertThat(keySwitch.statusOutput().orElseThrow().down()).isEqualTo("down");
        assertThat(load("identity: ./id\n").keySwitch()).isEmpty();
    }

    static Stream<Arguments> keySwitchMistakes() {
        return Stream.of(
                Arguments.of("key-switch: on",
                        "key-switch: must be a mapping with input: (file: /sys/class/gpio/gpio17/value or command: [/usr/local/bin/read-key-switch]), not 'on'"),
                Arguments.of("key-switch: {poll-millis: 100}",
                        "key-switch.input: missing; say where the switch is read: file: /sys/class/gpio/gpio17/value or command: [/usr/local/bin/read-key-switch]"),
                Arguments.of("key-switch: {input: {}}",
                        "key-switch.input: missing file or command; write file: /sys/class/gpio/gpio17/value or command: [/usr/local/bin/read-key-switch]"),
                Arguments.of("key-switch: {input: {file: /x, command: [true]}}",
                        "key-switch.input: give either file or command, not both"),
                Arguments.of("key-switch: {input: {gpio: 17}}",
                        "key-switch.input.gpio: unknown setting; allowed here: file, command, invert"),
                Arguments.of("key-switch: {input: {file: /x}, pol-millis: 100}",
                        "key-switch.pol-millis: unknown setting; allowed here: input, poll-millis, missing, status-output"),
                Arguments.of("key-switch: {input: {file: /x}, poll-millis: 10}",
                        "key-switch.poll-millis: 10 is out of range; use 50 to 10000 (the switch acts within about one poll interval)"),
                Arguments.of("key-switch: {input: {file: /x}, poll-millis: fast}",
                        "key-switch.poll-millis: 'fast' is not a whole number of milliseconds; write e.g. poll-millis: 500"),
                Arguments.of("key-switch: {input: {file: /x}, missing: maybe}",
                        "key-switch.missing: 'maybe' is not off or on; write missing: off (a missing or unreadable input keeps the tunnel closed) or missing: on"),
                Arguments.of("key-switch: {input: {file: /x, invert: yes please}}",
                        "key-switch.input.invert: 'yes please' is not true or false; write invert: true for an active-low input (0 = on), or leave it out"),
                Arguments.of("key-switch: {input: {command: /usr/bin/true}}",
                        "key-switch.input.command: must be a list like [/usr/local/bin/read-key-switch, --pin, \"17\"] (no shell: one item per argument), not '/usr/bin/true'"),
                Arguments.of("key-switch: {input: {command: [no-such-program-xyz]}}",
                        "key-switch.input.command[0]: 'no-such-program-xyz' is not found on the PATH; give the program's full path, e.g. /usr/local/bin/no-such-program-xyz"),
                Arguments.of("key-switch: {input: {command: [/no/such/program]}}",
                        "key-switch.input.command[0]: /no/such/program does not exist; give the full path of the program to run"),
                Arguments.of("key-switch: {input: {file: /x}, status-output: {file: /no/such/dir/status}}",
                        "key-switch.status-output.file: the directory /no/such/dir does not exist; create it (writable by the agent) or fix the path"),
                Arguments.of("key-switch: {input: {file: /x}, status-output: {file: /tmp/s, up: same, down: same}}",
                        "key-switch.status-output.down: 'same' is also the text for up; give the two states different texts (e.g. up: 1 and down: 0)"),
                Arguments.of("key-switch: {input: {file: /x}, status-output: {}}",
                        "key-switch.status-output: missing file or command; write file: /run/gangway/tunnel-status or command: [/usr/local/bin/tunnel-led, \"{state}\"]"));
    }

    @ParameterizedTest
    @MethodSource("keySwitchMistakes")
    void keySwitchMistakesNameTheFieldAndTheFix(String yaml, String expected) {
        assertThat(error("identity: ./id\n" + yaml.strip() + "\n")).isEqualTo(prefix() + expected.strip());
    }

    @Test
    void aKeySwitchInputThatIsADirectoryOrAProgramThatCannotRunIsNamed() throws IOException {
        assertThat(error("identity: ./id\nkey-switch: {input: {file: " + dir + "}}\n")).isEqualTo(prefix()
                + "key-switch.input.file: " + dir + " is a directory; give the file that holds the switch's value, e.g."
                + " /sys/class/gpio/gpio17/value");
        Path script = Files.writeString(dir.resolve("read-switch"), "#!/bin/sh\n");
        assertThat(error("identity: ./id\nkey-switch: {input: {command: [./read-switch]}}\n")).isEqualTo(prefix()
                + "key-switch.input.command[0]: " + script + " is not executable; make it so (chmod +x) or fix the path");
    }
}
