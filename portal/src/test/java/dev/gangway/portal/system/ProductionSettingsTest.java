package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.device.DeviceRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A first start as on a server: no admin password given (one is generated and printed once), secure cookies, demo
 * mode on, behind a TLS proxy ({@code GANGWAY_FORWARD_HEADERS=native}) with the default trusted proxies.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.portal.secure-cookies=true", "gangway.demo.enabled=true", "gangway.admin-password=",
        "server.forward-headers-strategy=native",
        "gangway.relay.port=0", "gangway.relay.bind-address=127.0.0.1", "gangway.hmi.port=0",
        "gangway.hmi.bind-address=127.0.0.1"})
@ExtendWith(OutputCaptureExtension.class)
class ProductionSettingsTest {

    static final Path DATA_DIR = tempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gangway.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    AuditEventRepository auditEvents;
    @Autowired
    Environment environment;

    @Test
    void theGeneratedAdminPasswordIsPrintedOnceAndWorks(CapturedOutput output) {
        Matcher line = Pattern.compile("Initial admin password: (\\S+)").matcher(output.getAll());
        assertThat(line.find()).as("password line in the log").isTrue();
        String password = line.group(1);
        assertThat(line.find()).as("printed only once").isFalse();
        String accountId = accounts.findByName("default").orElseThrow().getId();
        AppUser admin = users.findByAccountIdAndUsername(accountId, "admin").orElseThrow();
        assertThat(encoder.matches(password, admin.getPasswordHash())).isTrue();
        assertThat(admin.getPasswordHash()).startsWith("{bcrypt}");
    }

    @Test
    void theSessionCookieIsSecureWithTheHostPrefix() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().allValues("Set-Cookie")).singleElement().satisfies(cookie -> assertThat(cookie)
                .startsWith("__Host-gangway-session=").contains("Path=/", "Secure", "HttpOnly", "SameSite=Lax")
                .doesNotContainIgnoringCase("Domain="));
    }

    @Test
    void theDemoMachineExistsAndItsActivationKeyIsWrittenOwnerOnly() throws Exception {
        String accountId = accounts.findByName("default").orElseThrow().getId();
        assertThat(registry.list(accountId)).extracting(d -> d.getName()).containsOnlyOnce("Demo machine");
        Path keyFile = DATA_DIR.resolve("demo/activation-key");
        assertThat(Files.readString(keyFile).strip()).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){7}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA_DIR))).isEqualTo("rwx------");
    }

    @Test
    void onlyLoopbackProxiesAreTrustedByDefault() {
        Pattern trusted = Pattern.compile(environment.getRequiredProperty("server.tomcat.remoteip.internal-proxies"));
        assertThat(List.of("127.0.0.1", "127.10.20.30", "0:0:0:0:0:0:0:1", "::1"))
                .allSatisfy(address -> assertThat(trusted.matcher(address).matches()).as(address).isTrue());
        assertThat(List.of("10.0.0.5", "192.168.1.20", "172.16.0.1", "169.254.1.1", "100.64.0.1", "fd00::1",
                "127.0.0.1.example", "1127.0.0.1"))
                .allSatisfy(address -> assertThat(trusted.matcher(address).matches()).as(address).isFalse());
    }

    @Test
    void behindAProxyOnLoopbackTheForwardedClientAddressIsTheOneThrottledAndAudited() throws Exception {
        failedSignIn("127.0.0.1", "203.0.113.77", "nobody-forwarded");

        assertThat(signInRefusals("nobody-forwarded")).singleElement().extracting(AuditEvent::getAddress)
                .isEqualTo("203.0.113.77");
    }

    /** A client on another address (not a trusted proxy) cannot claim another address with X-Forwarded-For. */
    @Test
    void aClientThatIsNoTrustedProxyCannotForgeItsAddress() throws Exception {
        String own = nonLoopbackAddress();
        Assumptions.assumeTrue(own != null, "this host has no non-loopback IPv4 address");

        failedSignIn(own, "203.0.113.78", "nobody-forged");

        assertThat(signInRefusals("nobody-forged")).singleElement().extracting(AuditEvent::getAddress)
                .isEqualTo(own);
    }

    private void failedSignIn(String host, String forwardedFor, String username) throws Exception {
        failedSignIn(host, port, forwardedFor, username);
    }

    private List<AuditEvent> signInRefusals(String username) {
        return signInRefusals(accounts, auditEvents, username);
    }

    /** A wrong sign-in into the default account, sent to the portal at {@code host} with X-Forwarded-For. */
    static void failedSignIn(String host, int port, String forwardedFor, String username) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI login = URI.create("http://" + host + ":" + port + "/login");
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(login).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher csrf = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as("CSRF token on the sign-in page").isTrue();
        String form = "account=default&username=" + username + "&password=wrong-password&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(login)
                .header("Cookie", cookie)
                .header("X-Forwarded-For", forwardedFor)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error"));
    }

    /** The refused sign-ins of this user name into the default account. */
    static List<AuditEvent> signInRefusals(AccountRepository accounts, AuditEventRepository auditEvents,
            String username) {
        String accountId = accounts.findByName("default").orElseThrow().getId();
        return auditEvents.findByAccountIdOrderByOccurredAt(accountId).stream()
                .filter(e -> e.getAction().equals("signin") && e.getResult().equals("refused"))
                .filter(e -> e.getActor() != null && e.getActor().contains(username))
                .toList();
    }

    private static String nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        return null;
    }

    private static Path tempDir() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "portal-production-test-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
