package dev.gangway.client.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.DeviceService;
import dev.gangway.tunnel.LanTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --forward [LOCAL:]HOST:PORT} and how forwards combine with the device's services. */
class ForwardSpecTest {

    @Test
    void hostAndPort() {
        assertThat(ForwardSpec.parse("198.19.0.2:80")).isEqualTo(new ForwardSpec(0, new LanTarget("198.19.0.2", 80)));
        assertThat(ForwardSpec.parse("plc.lan:502")).isEqualTo(new ForwardSpec(0, new LanTarget("plc.lan", 502)));
    }

    @Test
    void localPortFirst() {
        assertThat(ForwardSpec.parse("8080:198.19.0.2:80"))
                .isEqualTo(new ForwardSpec(8080, new LanTarget("198.19.0.2", 80)));
        assertThat(ForwardSpec.parse("0:198.19.0.2:80").localPort()).isZero();
    }

    @Test
    void ipv6InBrackets() {
        assertThat(ForwardSpec.parse("[fd00::2]:502")).isEqualTo(new ForwardSpec(0, new LanTarget("fd00::2", 502)));
        ForwardSpec withLocal = ForwardSpec.parse("5020:[FD00::2]:502");
        assertThat(withLocal).isEqualTo(new ForwardSpec(5020, new LanTarget("fd00::2", 502)));
        assertThat(withLocal.target().authority()).isEqualTo("[fd00::2]:502");
    }

    @Test
    void mistakesAreUsageErrorsThatSayTheForm() {
        for (String bad : new String[] {"", "host", "host:", ":80", "host:0", "host:65536", "host:http",
            "99999:host:80", "x:host:80", "fd00::2:502", "[fd00::2]502", "[fd00::2", "a/b:80", "a b:80",
            "1:2:3:4:5"}) {
            assertThatThrownBy(() -> ForwardSpec.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                        assertThat(e.getMessage()).contains("--forward");
                    });
        }
    }

    private static Device device() {
        return new Device("dev-7", "Press 4", true, "online", List.of(), List.of(
                new DeviceService("hmi", "http", "198.19.0.2", 80),
                new DeviceService("plc", "tcp", "198.19.0.3", 502)), List.of("CLIENT_FORWARD"), false);
    }

    @Test
    void everyServiceThenEachForward() {
        List<ForwardPlan.Entry> plan = ForwardPlan.of(device(), List.of(ForwardSpec.parse("198.19.0.9:22")), false);
        assertThat(plan).containsExactly(
                new ForwardPlan.Entry("hmi", 0, new LanTarget("198.19.0.2", 80)),
                new ForwardPlan.Entry("plc", 0, new LanTarget("198.19.0.3", 502)),
                new ForwardPlan.Entry(null, 0, new LanTarget("198.19.0.9", 22)));
    }

    @Test
    void aForwardToAServiceGivesItsLocalPort() {
        List<ForwardPlan.Entry> plan = ForwardPlan.of(device(), List.of(ForwardSpec.parse("8080:198.19.0.2:80")),
                false);
        assertThat(plan).containsExactly(
                new ForwardPlan.Entry("hmi", 8080, new LanTarget("198.19.0.2", 80)),
                new ForwardPlan.Entry("plc", 0, new LanTarget("198.19.0.3", 502)));
    }

    @Test
    void noServicesKeepsOnlyTheForwardsButNamesTheirService() {
        List<ForwardPlan.Entry> plan = ForwardPlan.of(device(), List.of(ForwardSpec.parse("502:198.19.0.3:502")),
                true);
        assertThat(plan).containsExactly(new ForwardPlan.Entry("plc", 502, new LanTarget("198.19.0.3", 502)));
    }

    @Test
    void twoForwardsOnOneLocalPortAreRefused() {
        assertThatThrownBy(() -> ForwardPlan.of(device(), List.of(ForwardSpec.parse("9000:198.19.0.9:22"),
                ForwardSpec.parse("9000:198.19.0.9:23")), false))
                .isInstanceOf(ClientException.class).hasMessageContaining("local port 9000 is given to two");
    }
}
