package dev.gangway.portal.hmiproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.tunnel.LanTarget;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** How Spring wires the HMI proxy: properties bound and validated, beans present, the listener started. */
class HmiProxyConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(HmiProxyConfiguration.class)
            .withBean(DeviceStreams.class, () -> (account, user, deviceId, target) -> new CompletableFuture<>());

    @Test
    void propertiesAreBoundAndTheProxyStarts() {
        runner.withPropertyValues("gangway.hmi.port=0", "gangway.hmi.bind-address=127.0.0.1",
                        "gangway.hmi.base-domain=HMI.Example.com", "gangway.hmi.scheme=https",
                        "gangway.hmi.public-port=443", "gangway.hmi.session-idle-timeout=10m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HmiProxySettings settings = context.getBean(HmiProxySettings.class);
                    assertThat(settings.baseDomain()).isEqualTo("hmi.example.com");
                    assertThat(settings.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(settings.sessionAbsoluteTimeout()).isEqualTo(Duration.ofHours(12));
                    assertThat(settings.entryTokenLifetime()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(context.getBean(HmiSessions.class)).isSameAs(context.getBean(HmiSessionRegistry.class));
                    HmiProxyServer server = context.getBean(HmiProxyServer.class);
                    assertThat(server.isRunning()).isTrue();
                    assertThat(server.port()).isPositive();
                    assertThat(context.getBean(HmiSessions.class)
                            .open("acme", "alice", "device-1", "hmi", new LanTarget("198.19.0.2", 80), false)
                            .toString())
                            .matches("https://[a-z2-7]{32}\\.hmi\\.example\\.com/__gangway/enter\\?token=.+");
                });
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        new ApplicationContextRunner()
                .withUserConfiguration(SettingsOnly.class)
                .run(context -> assertThat(context.getBean(HmiProxySettings.class))
                        .isEqualTo(HmiProxySettings.defaults()));
    }

    @Test
    void aBadPropertyStopsStartupWithItsName() {
        runner.withPropertyValues("gangway.hmi.port=0", "gangway.hmi.base-domain=-bad-.example")
                .run(context -> assertThat(context).getFailure()
                        .rootCause().hasMessageContaining("gangway.hmi.base-domain"));
    }

    @org.springframework.boot.context.properties.EnableConfigurationProperties(HmiProxySettings.class)
    static class SettingsOnly {
    }
}
