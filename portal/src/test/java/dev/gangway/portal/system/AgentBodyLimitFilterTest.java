package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class AgentBodyLimitFilterTest {

    private final AgentBodyLimitFilter filter = new AgentBodyLimitFilter();

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedUnread() throws Exception {
        MockHttpServletRequest request = request("/api/agent/v1/register", AgentBodyLimitFilter.MAX_BODY_BYTES + 1);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentAsString()).isEqualTo("{\"error\":\"request body too large\"}");
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void aChunkedBodyIsCountedAndRefusedBeyondTheLimit() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(chunked(request("/api/agent/v1/register", AgentBodyLimitFilter.MAX_BODY_BYTES + 1)),
                response, chain);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentAsString()).isEqualTo("{\"error\":\"request body too large\"}");
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void bodiesWithinTheLimitPassWhole() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(chunked(request("/api/agent/v1/register", AgentBodyLimitFilter.MAX_BODY_BYTES)),
                new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest().getInputStream().readAllBytes()).hasSize(AgentBodyLimitFilter.MAX_BODY_BYTES);

        MockFilterChain declared = new MockFilterChain();
        filter.doFilter(request("/api/agent/v1/register", 1000), new MockHttpServletResponse(), declared);
        assertThat(declared.getRequest().getInputStream().readAllBytes()).hasSize(1000);
    }

    @Test
    void otherPathsAreNotLimitedHere() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request("/devices", AgentBodyLimitFilter.MAX_BODY_BYTES + 1), response, chain);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest()).isNotNull();
    }

    private static MockHttpServletRequest request(String path, int size) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        request.setContentType("application/json");
        request.setContent("x".repeat(size).getBytes(StandardCharsets.US_ASCII));
        return request;
    }

    /** The same request as it arrives with {@code Transfer-Encoding: chunked}: no declared length. */
    private static HttpServletRequest chunked(MockHttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public int getContentLength() {
                return -1;
            }

            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
    }
}
