package dev.gangway.portal.ondemand;

import dev.gangway.portal.device.AgentReportSignatures;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/agent/v1/wake-progress}: an on-demand device's agent reports a step of a wake-up, today only
 * {@code dialling} (it got a valid wake-up SMS and is bringing its tunnel up). Body
 * {@code {"deviceId","wake":<epoch seconds of the SMS>,"state":"dialling","at":"<ISO-8601>","certificate":"<PEM>"}},
 * signed with the device key like the site-access report ({@link AgentReportSignatures}); 204 when recorded (again:
 * a repeated report changes nothing), 404 when the device has no wake-up with that time, 400/401/403 with
 * {@code {"error":"<words>"}} otherwise. The step is the portal's time of the report; {@code at} is only checked for
 * its form (the agent's clock was already checked against the SMS's time).
 */
@RestController
@RequestMapping(path = "/api/agent/v1", produces = "application/json")
class WakeProgressController {

    private static final Logger log = LoggerFactory.getLogger(WakeProgressController.class);

    private final AgentReportSignatures signatures;
    private final Wakes wakes;
    private final JsonMapper json;

    WakeProgressController(AgentReportSignatures signatures, Wakes wakes, JsonMapper json) {
        this.signatures = signatures;
        this.wakes = wakes;
        this.json = json;
    }

    @PostMapping(path = "/wake-progress", consumes = "application/json")
    ResponseEntity<Void> progress(@RequestBody(required = false) byte[] body,
            @RequestHeader(name = AgentReportSignatures.SIGNATURE_HEADER, required = false) String signature) {
        byte[] bytes = body == null ? new byte[0] : body;
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JacksonException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw bad("the body is not a JSON object with deviceId, wake, state, at and certificate");
        }
        String deviceId = string(node, "deviceId");
        if (deviceId == null || deviceId.isEmpty() || deviceId.length() > 36) {
            throw bad("deviceId must be the device's id");
        }
        JsonNode wake = node.get("wake");
        if (wake == null || !wake.isIntegralNumber() || !wake.canConvertToLong() || wake.longValue() <= 0) {
            throw bad("wake must be the epoch seconds of the wake-up SMS, a whole number");
        }
        if (!"dialling".equals(string(node, "state"))) {
            throw bad("state must be \"dialling\"");
        }
        try {
            Instant.parse(string(node, "at") == null ? "" : string(node, "at"));
        } catch (DateTimeParseException e) {
            throw bad("at must be an ISO-8601 instant like 2026-11-26T10:15:30.123Z");
        }
        signatures.verify(bytes, signature, string(node, "certificate"), deviceId);
        if (!wakes.dialling(deviceId, wake.longValue())) {
            throw new AgentReportSignatures.RefusedException(HttpStatus.NOT_FOUND, "the portal sent device "
                    + deviceId + " no wake-up SMS with the time " + wake.longValue());
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(AgentReportSignatures.RefusedException.class)
    ResponseEntity<Map<String, String>> refused(AgentReportSignatures.RefusedException e) {
        log.warn("Wake-up progress report refused ({}): {}", e.status().value(), e.getMessage());
        return ResponseEntity.status(e.status()).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "the request body could not be read: send the report"
                + " as a JSON object"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(Map.of("error", "send the report as"
                + " Content-Type: application/json"));
    }

    private static String string(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? null : value.stringValue();
    }

    private static AgentReportSignatures.RefusedException bad(String message) {
        return new AgentReportSignatures.RefusedException(HttpStatus.BAD_REQUEST, message);
    }
}
