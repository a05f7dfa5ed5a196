package dev.gangway.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.config.ServiceKind;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class ServiceAllowlistTest {

    private final ServiceAllowlist allowlist = new ServiceAllowlist(List.of(
            new ServiceConfig("hmi", ServiceKind.HTTP, "198.19.0.2", 80),
            new ServiceConfig("vnc", ServiceKind.VNC, "Panel.Lan", 5900)));

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ServiceAllowlist.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    @Test
    void allowsConfiguredTargets() {
        assertThatCode(() -> allowlist.check(new LanTarget("198.19.0.2", 80))).doesNotThrowAnyException();
        assertThatCode(() -> allowlist.check(LanTarget.parse("PANEL.lan:5900"))).doesNotThrowAnyException();
        assertThat(logs.list).isEmpty();
    }

    @Test
    void refusesAnotherPortOfAConfiguredHost() {
        assertRefused(new LanTarget("198.19.0.2", 22));
    }

    @Test
    void refusesAnotherHost() {
        assertRefused(new LanTarget("198.19.0.3", 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:80", "localhost:80", "[::1]:80", "169.254.169.254:80", "0.0.0.0:80",
        "2130706433:80", "198.19.0.2.:80", "panel.lan.:5900"})
    void refusesLoopbackLinkLocalAndOtherSpellings(String authority) {
        assertRefused(LanTarget.parse(authority));
    }

    @Test
    void allowsLoopbackOnlyWhenThatVeryTextIsConfigured() throws TunnelException {
        ServiceAllowlist local = new ServiceAllowlist(
                List.of(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", 8090)));
        local.check(new LanTarget("127.0.0.1", 8090));
        assertThatThrownBy(() -> local.check(new LanTarget("localhost", 8090))).isInstanceOf(TunnelException.class);
        assertThatThrownBy(() -> local.check(new LanTarget("127.0.0.1", 8091))).isInstanceOf(TunnelException.class);
    }

    @Test
    void anEmptyAllowlistRefusesEverything() {
        ServiceAllowlist none = new ServiceAllowlist(List.of());
        assertThatThrownBy(() -> none.check(new LanTarget("198.19.0.2", 80))).isInstanceOf(TunnelException.class);
    }

    private void assertRefused(LanTarget target) {
        assertThatThrownBy(() -> allowlist.check(target))
                .isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).isEqualTo(
                    "refused stream to " + target.authority() + ": not in this site's allowed services");
        });
    }
}
