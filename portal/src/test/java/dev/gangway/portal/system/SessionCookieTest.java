package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.PortalTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The session cookie on plain HTTP (development): {@code gangway-session}, host-only, HttpOnly, SameSite=Lax. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionCookieTest extends PortalTestSupport {

    @LocalServerPort
    int port;

    @Test
    void theSessionCookieIsHostOnlyHttpOnlyAndLax() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> cookies = response.headers().allValues("Set-Cookie");
        assertThat(cookies).singleElement().satisfies(cookie -> {
            assertThat(cookie).startsWith("gangway-session=").contains("Path=/", "HttpOnly", "SameSite=Lax")
                    .doesNotContainIgnoringCase("Domain=").doesNotContain("Secure");
        });
    }
}
