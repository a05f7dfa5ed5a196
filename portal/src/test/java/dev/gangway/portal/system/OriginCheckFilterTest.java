package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class OriginCheckFilterTest {

    @Test
    void behindATlsProxyThePublicUrlIsThePortalsOrigin() throws Exception {
        OriginCheckFilter filter = new OriginCheckFilter(
                new PortalSettings(true, "https://portal.example.com/", Duration.ofHours(12)));

        // what the portal sees behind the proxy: plain http on its backend port
        assertThat(post(filter, "https://portal.example.com")).isEqualTo(200);
        assertThat(post(filter, "https://PORTAL.example.com:443")).isEqualTo(200);
        // the backend address is not where browsers are: a page there is not the portal
        assertThat(post(filter, "http://127.0.0.1:8080")).isEqualTo(403);
        assertThat(post(filter, "http://portal.example.com")).isEqualTo(403);
    }

    @Test
    void withoutAPublicUrlTheRequestsOwnAddressIsTheOrigin() throws Exception {
        OriginCheckFilter filter = new OriginCheckFilter(new PortalSettings(false, "", Duration.ofHours(12)));

        assertThat(post(filter, "http://127.0.0.1:8080")).isEqualTo(200);
        assertThat(post(filter, "https://portal.example.com")).isEqualTo(403);
    }

    private static int post(OriginCheckFilter filter, String origin) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/devices");
        request.setScheme("http");
        request.setServerName("127.0.0.1");
        request.setServerPort(8080);
        request.addHeader("Origin", origin);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }
}
