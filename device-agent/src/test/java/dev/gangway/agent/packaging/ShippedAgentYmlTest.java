package dev.gangway.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.agent.AgentMain;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.AlarmsConfig;
import dev.gangway.agent.config.ConfigLoader;
import dev.gangway.agent.config.KeySwitchConfig;
import dev.gangway.agent.config.OnDemandConfig;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.config.ServiceKind;
import dev.gangway.agent.config.SmsConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The default {@code /etc/gangway-agent/agent.yml} of the Debian package, read by the real {@link ConfigLoader}: as
 * shipped, {@code run} names the missing identity and the fix; once {@code register} has written the identity it
 * loads; and every commented example in it, uncommented, is valid too.
 */
class ShippedAgentYmlTest {

    private static final Path SHIPPED = Path.of("src/deb/etc/gangway-agent/agent.yml");
    private static final String IDENTITY = "/var/lib/gangway-agent/identity";
    /** A commented-out setting at the top level: '#key:' with nothing between '#' and the key. */
    private static final Pattern EXAMPLE_START = Pattern.compile("#[a-z][a-z-]*:.*");

    @TempDir
    Path dir;

    String shipped;
    Path identity;

    @BeforeEach
    void read() throws IOException {
        shipped = Files.readString(SHIPPED);
        identity = Files.createDirectory(dir.resolve("identity"));
        for (String name : ConfigLoader.IDENTITY_FILES) {
            Files.writeString(identity.resolve(name), "written by register");
        }
    }

    @Test
    void asShippedRunNamesTheMissingIdentityAndTheFix() throws IOException {
        Assumptions.assumeFalse(Files.exists(Path.of(IDENTITY)), "this machine has a registered gangway-agent");
        Path config = Files.writeString(dir.resolve("agent.yml"), shipped);
        StringWriter err = new StringWriter();
        CommandLine cli = AgentMain.commandLine().setErr(new PrintWriter(err, true));
        int code = cli.execute("run", "--config", config.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("config error: " + config + ": identity: " + IDENTITY
                + " does not exist — run 'register' first (or fix the path)");
    }

    @Test
    void onceRegisteredItLoadsWithNoServicesAndEveryDefault() throws Exception {
        AgentConfig config = load(registered(shipped));
        assertThat(config.identity()).isEqualTo(identity);
        assertThat(config.services()).isEmpty();
        assertThat(config.portal()).isEmpty();
        assertThat(config.keepalive()).isEqualTo(AgentConfig.DEFAULT_KEEPALIVE);
        assertThat(config.backoffMin()).isEqualTo(AgentConfig.DEFAULT_BACKOFF_MIN);
        assertThat(config.backoffMax()).isEqualTo(AgentConfig.DEFAULT_BACKOFF_MAX);
        assertThat(config.proxy()).isEmpty();
        assertThat(config.keySwitch()).isEmpty();
        assertThat(config.alarms()).isEmpty();
        assertThat(config.sms()).isEmpty();
        assertThat(config.onDemand()).isEmpty();
    }

    @Test
    void everyCommentedExampleIsValidWhenUncommented() throws Exception {
        String text = uncommented(registered(shipped))
                .replace("services: []\n", "")
                .replace("/etc/gangway-agent/proxy-password",
                        Files.writeString(dir.resolve("proxy-password"), "secret\n").toString())
                .replace("/run/gangway-agent/tunnel-status",
                        Files.createDirectory(dir.resolve("run")).resolve("tunnel-status").toString());
        AgentConfig config = load(text);
        assertThat(config.portal()).contains(URI.create("https://portal.example"));
        assertThat(config.keepalive()).isEqualTo(AgentConfig.DEFAULT_KEEPALIVE);
        assertThat(config.services()).containsExactly(
                new ServiceConfig("hmi", ServiceKind.HTTP, "192.168.0.10", 80),
                new ServiceConfig("panel-vnc", ServiceKind.VNC, "192.168.0.11", 5900));
        assertThat(config.proxy()).hasValueSatisfying(p -> {
            assertThat(p.address().getHostString()).isEqualTo("proxy.example");
            assertThat(p.address().getPort()).isEqualTo(3128);
            assertThat(p.username()).isEqualTo("gangway");
            assertThat(p.password()).isEqualTo("secret");
        });
        KeySwitchConfig keySwitch = config.keySwitch().orElseThrow();
        assertThat(keySwitch.input()).isEqualTo(new KeySwitchConfig.FileTarget(Path.of("/sys/class/gpio/gpio17/value")));
        assertThat(keySwitch.missingMeansOn()).isFalse();
        assertThat(keySwitch.statusOutput()).isPresent();
        AlarmsConfig alarms = config.alarms().orElseThrow();
        assertThat(alarms.smtpListen()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(2525));
        assertThat(alarms.httpListen()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(8025));
        // the default queue lies next to the identity: /var/lib/gangway-agent/alarms in the package
        assertThat(alarms.queueDir()).isEqualTo(dir.resolve("alarms"));
        assertThat(config.sms()).contains(new SmsConfig(Path.of("/var/spool/gammu/inbox"), List.of("+41790000000"),
                java.util.Optional.of("acme")));
        assertThat(config.onDemand()).contains(new OnDemandConfig(Duration.ofSeconds(600)));
    }

    private String registered(String text) {
        assertThat(text).contains("\nidentity: " + IDENTITY + "\n");
        return text.replace("\nidentity: " + IDENTITY + "\n", "\nidentity: " + identity + "\n");
    }

    /**
     * Removes the '#' of every example block: a line '#key: ...' at the top level and the indented lines
     * ('#  ...') right after it. Explanations ('# text') stay comments.
     */
    private static String uncommented(String text) {
        List<String> out = new ArrayList<>();
        boolean inExample = false;
        for (String line : text.split("\n", -1)) {
            if (EXAMPLE_START.matcher(line).matches()) {
                inExample = true;
                out.add(line.substring(1));
            } else if (inExample && line.startsWith("#  ")) {
                out.add(line.substring(1));
            } else {
                inExample = false;
                out.add(line);
            }
        }
        String result = String.join("\n", out);
        assertThat(result).as("examples were found").isNotEqualTo(text);
        return result;
    }

    private AgentConfig load(String text) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("agent.yml"), text));
    }
}
