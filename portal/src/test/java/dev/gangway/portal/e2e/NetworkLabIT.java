package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The network lab itself: the LAN is reachable from the site and from nowhere else. */
class NetworkLabIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LAN_PORT = 7000;

    @RegisterExtension
    static final FailureReport failureReport = new FailureReport();

    @TempDir
    static Path work;

    static NetworkLab lab;
    static LoggedProcess lanServer;

    @BeforeAll
    static void startLanHost() {
        lab = NetworkLab.create(work.resolve("logs"));
        failureReport.include(() -> lab + "\n" + lab.reports());
        lanServer = lab.start(lab.lan(), "lan-server", List.of("socat",
                "TCP-LISTEN:" + LAN_PORT + ",bind=" + lab.lanHostAddress() + ",reuseaddr,fork",
                "SYSTEM:echo lan-host-answers"));
        lab.awaitListening(lab.site(), lab.lanHostAddress(), LAN_PORT, lanServer, WAIT);
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void siteReachesTheLanHost() {
        NetworkLab.Result answer = lab.run(lab.site(), WAIT,
                List.of("socat", "-u", "TCP:" + lab.lanHostAddress() + ":" + LAN_PORT + ",connect-timeout=5", "STDOUT"));

        assertThat(answer.exitCode()).as(answer.output()).isZero();
        assertThat(answer.output()).contains("lan-host-answers");
    }

    @Test
    void portalSideCannotReachTheLanHost() {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(lab.lanHostAddress(), LAN_PORT), 5_000);
            }
        }).isInstanceOf(NoRouteToHostException.class);

        NetworkLab.Result route = NetworkLab.exec(List.of("ip", "-4", "route", "show", lab.lanNetwork()), WAIT);
        assertThat(route.output()).as("the root namespace routes the LAN nowhere")
                .contains("unreachable " + lab.lanNetwork());
    }

    @Test
    void siteReachesThePortalSideButTheLanHostDoesNot() throws IOException {
        try (ServerSocket portalSide = new ServerSocket()) {
            portalSide.bind(new InetSocketAddress(InetAddress.getByName(lab.portalSideAddress()), 0));
            int port = portalSide.getLocalPort();

            assertThat(lab.canConnect(lab.site(), lab.portalSideAddress(), port)).isTrue();
            try (Socket accepted = portalSide.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo(lab.siteAddress());
            }
            assertThat(lab.canConnect(lab.lan(), lab.portalSideAddress(), port)).isFalse();
        }
    }

    @Test
    void siteHasNoDefaultRoute() {
        NetworkLab.Result routes = lab.run(lab.site(), WAIT, List.of("ip", "-4", "route", "show"));

        assertThat(routes.exitCode()).isZero();
        assertThat(routes.output()).doesNotContain("default")
                .contains(lab.lanNetwork());
    }

    @Test
    void closeRemovesNamespacesLinksAndRoute(@TempDir Path logs) {
        NetworkLab other = NetworkLab.create(logs);
        LoggedProcess sleeper = other.start(other.site(), "sleeper", List.of("sleep", "600"));
        String lanNetwork = other.lanNetwork();

        other.close();

        assertThat(sleeper.isAlive()).isFalse();
        assertThat(NetworkLab.exec(List.of("ip", "netns", "list"), WAIT).output())
                .doesNotContain(other.site()).doesNotContain(other.lan());
        assertThat(NetworkLab.exec(List.of("ip", "-4", "route", "show", "table", "all"), WAIT).output())
                .doesNotContain(lanNetwork).doesNotContain(other.portalSideAddress());
        assertThat(NetworkLab.exec(List.of("ip", "-o", "link", "show"), WAIT).output())
                .doesNotContain(other.site().replace("-site", "-r"));
        assertThat(other.lanNetwork()).isNotEqualTo(lab.lanNetwork());
    }
}
