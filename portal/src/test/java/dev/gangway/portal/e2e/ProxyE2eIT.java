package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.gangway.portal.device.DeviceTunnels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Issue 5, must-show 4 (Basic part): a site whose traffic leaves through Debian's real squid with Basic
 * authentication. With a wrong proxy password, {@code register} stops with a clear sentence and creates nothing;
 * with the right one, registration, relay lookup and tunnel all go through squid (its access log shows the
 * {@code CONNECT} to the relay) and the device comes online.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + ProxyE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class ProxyE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-Proxy-admin-1";
    private static final String PROXY_USER = "gangway";
    private static final String PROXY_PASSWORD = "proxy-" + UUID.randomUUID();
    private static final Path SQUID = Path.of("/usr/sbin/squid");
    private static final Duration WAIT = Duration.ofSeconds(60);

    static Path squidDir;
    static Process squid;
    static int proxyPort;

    @Autowired
    DeviceTunnels tunnels;

    @BeforeAll
    static void startSquid() throws Exception {
        assertThat(SQUID).as("Debian's squid (script/test installs it)").exists();
        proxyPort = GangwayE2eIT.freePort();
        // squid drops to the user 'proxy': its files live where that user can read them and write its logs
        squidDir = Files.createTempDirectory("gangway-squid-");
        Files.setPosixFilePermissions(squidDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path logs = Files.createDirectories(squidDir.resolve("logs"));
        UserPrincipal proxyUser = logs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("proxy");
        Files.setOwner(logs, proxyUser);
        NetworkLab.Result hash = NetworkLab.exec(List.of("openssl", "passwd", "-apr1", PROXY_PASSWORD),
                Duration.ofSeconds(10));
        assertThat(hash.exitCode()).as("openssl passwd: " + hash.output()).isZero();
        Path passwd = Files.writeString(squidDir.resolve("passwd"), PROXY_USER + ":" + hash.output().strip() + "\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = Files.writeString(squidDir.resolve("squid.conf"), """
                http_port %s:%d
                auth_param basic program /usr/lib/squid/basic_ncsa_auth %s
                auth_param basic realm gangway-test
                auth_param basic children 2
                acl authed proxy_auth REQUIRED
                http_access allow authed
                http_access deny all
                cache deny all
                access_log stdio:%s
                cache_log %s
                pid_filename none
                coredump_dir %s
                shutdown_lifetime 1 seconds
                """.formatted(lab.portalSideAddress(), proxyPort, passwd, logs.resolve("access.log"),
                logs.resolve("cache.log"), squidDir));
        squid = new ProcessBuilder(SQUID.toString(), "-N", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(squidDir.resolve("squid.out").toFile()).start();
        failureReport.include(() -> "squid cache.log:\n" + read(logs.resolve("cache.log"))
                + "\nsquid access.log:\n" + read(logs.resolve("access.log")));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            assertThat(squid.isAlive()).as("squid running; " + read(squidDir.resolve("squid.out"))).isTrue();
            return lab.canConnect(lab.site(), lab.portalSideAddress(), proxyPort);
        });
    }

    @AfterAll
    static void stopSquid() throws IOException {
        if (squid != null) {
            squid.descendants().forEach(ProcessHandle::destroyForcibly);
            squid.destroyForcibly();
        }
        if (squidDir != null) {
            try (var files = Files.walk(squidDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theAgentRegistersAndConnectsThroughSquidAndAWrongProxyPasswordIsNamed() throws Exception {
        String portalUrl = "http://" + lab.portalSideAddress() + ":" + portalPort;
        String proxy = lab.portalSideAddress() + ":" + proxyPort;
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        PortalUi.NewDevice device;
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            device = portal.addDevice(page, "Behind a proxy " + UUID.randomUUID().toString().substring(0, 8));
        }

        // a wrong proxy password: a sentence that names the proxy and what to check; no identity, the key unspent
        Path wrong = Files.writeString(work.resolve("wrong-proxy-password"), "not-the-password\n");
        Path refusedIdentity = work.resolve("identity-refused");
        NetworkLab.Result refused = lab.run(lab.site(), Duration.ofSeconds(120), withProxy(
                agentJar.register(portalUrl, device.activationKey(), refusedIdentity, "PROXY-1"), proxy, wrong));
        assertThat(refused.exitCode()).as("register output:\n" + refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("the HTTP proxy " + proxy + " refused the credentials (407)")
                .doesNotContain("not-the-password");
        assertThat(refusedIdentity.resolve("device-cert.pem")).doesNotExist();

        // the right one: registration, relay lookup and tunnel through squid
        Path password = Files.writeString(work.resolve("proxy-password"), PROXY_PASSWORD + "\n");
        Path identity = work.resolve("identity");
        NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), withProxy(
                agentJar.register(portalUrl, device.activationKey(), identity, "PROXY-1"), proxy, password));
        assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
        Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)").matcher(registered.output());
        assertThat(registeredAs.find()).as(registered.output()).isTrue();
        String deviceId = registeredAs.group(2);

        Path config = AgentJar.writeConfig(work.resolve("agent.yml"), identity, lab.lanHostAddress(), LAN_HMI_PORT);
        Files.writeString(config, """
                proxy:
                  host: %s
                  port: %d
                  username: %s
                  password-file: %s
                """.formatted(lab.portalSideAddress(), proxyPort, PROXY_USER, password),
                java.nio.file.StandardOpenOption.APPEND);
        LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        assertThat(agent.isAlive()).isTrue();

        // squid logs a CONNECT when the tunnel closes: stop the agent, then read
        agent.kill();
        Path accessLog = squidDir.resolve("logs").resolve("access.log");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(read(accessLog))
                .as("squid's access log")
                .containsPattern("TCP_TUNNEL/200 \\d+ CONNECT [^ ]+:" + relayPort + " " + PROXY_USER));
        assertThat(read(accessLog)).contains("TCP_DENIED/407")
                .containsPattern("POST " + Pattern.quote(portalUrl + "/api/agent/v1/register") + " " + PROXY_USER)
                .containsPattern("GET " + Pattern.quote(portalUrl + "/api/agent/v1/relay") + "\\S* " + PROXY_USER);
    }

    private static List<String> withProxy(List<String> command, String proxy, Path passwordFile) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("--proxy", proxy, "--proxy-user", PROXY_USER, "--proxy-password-file",
                passwordFile.toString()));
        return all;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file.getFileName() + ")";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
