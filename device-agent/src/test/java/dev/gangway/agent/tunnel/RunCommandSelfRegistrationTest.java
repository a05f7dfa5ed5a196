package dev.gangway.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.agent.AgentMain;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.setup.SiteSettings;
import dev.gangway.tunnel.ProxySettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} before the device is registered: what it refuses, and the proxy an Easy Setup file left behind. */
class RunCommandSelfRegistrationTest {

    @TempDir
    Path dir;

    @Test
    void smsAloneWithoutAPortalIsAConfigurationErrorNamingTheField() throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yml"), """
                identity: ./identity
                sms:
                  inbox: ./inbox
                  register-account: acme
                services: []
                """);
        CommandLine cli = AgentMain.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("run", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("config error: " + config + ": portal: missing; registration by SMS "
                + "needs the portal's address here (an activation SMS must name this same portal), e.g. portal: "
                + "https://portal.example\n");
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();
    }

    @Test
    void theEasySetupProxyIsUsedOnlyWhenAgentYmlHasNone() throws Exception {
        Path identity = Files.createDirectories(dir.resolve("identity"));
        ProxySettings saved = new ProxySettings(InetSocketAddress.createUnresolved("proxy.site", 3128), "gw", "pw");
        SiteSettings.saveProxy(identity, saved, "test", Instant.now());
        AgentConfig without = new AgentConfig(identity, Optional.empty(), Duration.ofSeconds(25),
                Duration.ofSeconds(1), Duration.ofSeconds(60), List.of());
        ProxySettings own = ProxySettings.unauthenticated(InetSocketAddress.createUnresolved("own.proxy", 8080));
        AgentConfig with = new AgentConfig(identity, Optional.empty(), Duration.ofSeconds(25), Duration.ofSeconds(1),
                Duration.ofSeconds(60), List.of(), Optional.of(own));

        assertThat(RunCommand.withSiteProxy(without, new IdentityStore(identity)).proxy()).contains(saved);
        assertThat(RunCommand.withSiteProxy(with, new IdentityStore(identity)).proxy()).contains(own);
        assertThat(RunCommand.withSiteProxy(without, new IdentityStore(dir.resolve("other"))).proxy()).isEmpty();
    }
}
