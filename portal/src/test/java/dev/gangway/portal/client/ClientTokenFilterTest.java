package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The bearer-token filter when the session cannot be checked at all (the database is down). */
class ClientTokenFilterTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aFailingSessionLookUpIsAPlain500InTheApisShape() throws Exception {
        ClientSessions sessions = mock(ClientSessions.class);
        when(sessions.use(anyString())).thenThrow(new IllegalStateException("connection to db-7.internal:5432 "
                + "refused (secret detail)"));
        ClientTokenFilter filter = new ClientTokenFilter(sessions, new ClientErrors(json));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", ClientApiController.BASE + "/devices");
        request.addHeader("Authorization", "Bearer " + ClientSessions.newToken());
        MockHttpServletResponse response = new MockHttpServletResponse();
        FilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getContentType()).startsWith("application/json");
        String body = response.getContentAsString(StandardCharsets.UTF_8);
        JsonNode node = json.readTree(body);
        assertThat(node.get("error").asString()).isEqualTo("internal");
        assertThat(node.get("message").asString()).isEqualTo(ClientErrors.INTERNAL_MESSAGE);
        assertThat(node.properties()).hasSize(2);
        assertThat(body).doesNotContain("db-7").doesNotContain("IllegalState");
        assertThat(((MockFilterChain) chain).getRequest()).as("the request went no further").isNull();
    }
}
