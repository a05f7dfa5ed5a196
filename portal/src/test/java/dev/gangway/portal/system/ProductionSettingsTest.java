package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.device.DeviceRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A first start as on a server: no admin password given (one is generated and printed once), secure cookies, demo
 * mode on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.portal.secure-cookies=true", "gangway.demo.enabled=true", "gangway.admin-password=",
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

    private static Path tempDir() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "portal-production-test-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
