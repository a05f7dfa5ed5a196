package dev.gangway.portal.client;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes the client API's error bodies, {@code {"error":"<code>","message":"<plain words>"}}. */
@Component
class ClientErrors {

    /** The code of a failure of the portal itself (500). */
    static final String INTERNAL = "internal";
    /** Its words: nothing of the exception (it may say more than the caller should know). */
    static final String INTERNAL_MESSAGE = "the portal could not answer this request: try again, or ask the "
            + "portal's operator to look at its log";

    private final JsonMapper json;

    ClientErrors(JsonMapper json) {
        this.json = json;
    }

    /** The body of an error. */
    static Map<String, String> body(String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }

    /** Writes the error as the whole response (from a filter, outside Spring MVC). */
    void write(HttpServletResponse response, ClientApiException error) throws IOException {
        response.setStatus(error.status().value());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (error.status().value() == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getOutputStream().write(json.writeValueAsBytes(body(error.code(), error.getMessage())));
    }
}
