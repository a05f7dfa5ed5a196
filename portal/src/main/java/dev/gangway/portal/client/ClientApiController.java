package dev.gangway.portal.client;

import dev.gangway.portal.account.ClientSignIn;
import dev.gangway.portal.device.DeviceWakes;
import dev.gangway.portal.ondemand.WakeRefused;
import dev.gangway.portal.ondemand.Wakes;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.Pem;
import dev.gangway.portal.relay.RelayDirectory;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client API, {@code /api/client/v1} (JSON; see {@code docs/client-api.md}): sign-in and sign-out, the devices
 * the user may see, client certificates, stream tickets, and waking on-demand devices and sending them offline
 * ({@link Wakes}). Every route but the sign-in needs a live client session's
 * bearer token ({@link ClientTokenFilter}); every device is looked up within the user's account and needs a right
 * on it, so another account's device answers 404 like one that does not exist. Errors are
 * {@code {"error":"<code>","message":"<plain words>"}}.
 *
 * <p>Request bodies are read by hand, at most {@value #MAX_BODY_BYTES} bytes (the sign-in is reachable without a
 * session), and every field is checked for its type, so a malformed request gets 400 {@code bad-request} naming the
 * field.
 *
 * <p>{@code POST /tickets} is rate-limited per session ({@link ClientTicketRate}) before anything else is done.
 */
@RestController
@RequestMapping(ClientApiController.BASE)
class ClientApiController {

    static final String BASE = "/api/client/v1";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ClientApiController.class);

    private final ClientSignIn signIn;
    private final ClientSessions sessions;
    private final ClientDevices devices;
    private final ClientCertificates certificates;
    private final ClientTickets tickets;
    private final ClientTicketRate ticketRate;
    private final CertificateAuthority authority;
    private final RelayDirectory relays;
    private final Wakes wakes;
    private final JsonMapper json;

    ClientApiController(ClientSignIn signIn, ClientSessions sessions, ClientDevices devices,
            ClientCertificates certificates, ClientTickets tickets, ClientTicketRate ticketRate,
            CertificateAuthority authority, RelayDirectory relays, Wakes wakes, JsonMapper json) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.devices = devices;
        this.certificates = certificates;
        this.tickets = tickets;
        this.ticketRate = ticketRate;
        this.authority = authority;
        this.relays = relays;
        this.wakes = wakes;
        this.json = json;
    }

    @PostMapping("/sessions")
    ResponseEntity<Map<String, Object>> signIn(HttpServletRequest request) {
        JsonNode body = body(request);
        String account = text(body, "account", true);
        String user = text(body, "user", true);
        String password = text(body, "password", true);
        String code = text(body, "code", false);
        ClientSignIn.SignedIn signedIn;
        try {
            signedIn = signIn.signIn(account, user, password, code, request.getRemoteAddr());
        } catch (ClientSignIn.RefusedException e) {
            throw refusal(e);
        }
        ClientSessions.Created created = sessions.create(signedIn, request.getRemoteAddr());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", created.token());
        answer.put("expiresAt", created.session().getExpiresAt().toString());
        answer.put("account", signedIn.user().accountName());
        answer.put("user", signedIn.user().username());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    @DeleteMapping("/sessions/current")
    ResponseEntity<Void> signOut(@AuthenticationPrincipal ClientPrincipal caller) {
        sessions.signOut(caller);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/devices")
    Map<String, List<ClientDevices.DeviceJson>> devices(@AuthenticationPrincipal ClientPrincipal caller) {
        return Map.of("devices", devices.list(caller.user()));
    }

    @GetMapping("/devices/{deviceId}")
    ClientDevices.DeviceJson device(@AuthenticationPrincipal ClientPrincipal caller, @PathVariable String deviceId) {
        return devices.find(caller.user(), deviceId).orElseThrow(() -> ClientApiException.noSuchDevice(deviceId));
    }

    /**
     * Wakes an on-demand device: 202 with the wake-up (a new one, or the one in progress), 200 when it is online
     * already. The client then follows it with {@code GET .../wake}.
     */
    @PostMapping("/devices/{deviceId}/wake")
    ResponseEntity<Map<String, Object>> wake(@AuthenticationPrincipal ClientPrincipal caller,
            @PathVariable String deviceId) {
        Wakes.Woken woken;
        try {
            woken = wakes.wake(caller.user(), deviceId, Wakes.CLIENT);
        } catch (WakeRefused e) {
            throw refusal(e, deviceId);
        }
        boolean online = !woken.started() && "online".equals(woken.wake().state());
        return ResponseEntity.status(online ? HttpStatus.OK : HttpStatus.ACCEPTED).body(wakeJson(woken.wake()));
    }

    /** The device's latest wake-up: its steps so far, or how it failed. */
    @GetMapping("/devices/{deviceId}/wake")
    Map<String, Object> wakeProgress(@AuthenticationPrincipal ClientPrincipal caller, @PathVariable String deviceId) {
        try {
            return wakes.latest(caller.user(), deviceId).map(ClientApiController::wakeJson)
                    .orElseThrow(() -> new ClientApiException(HttpStatus.NOT_FOUND, "no-wake", "the device was not"
                            + " woken yet: wake it with POST .../wake ('gangway wake')"));
        } catch (WakeRefused e) {
            throw refusal(e, deviceId);
        }
    }

    /** Sends an on-demand device offline at once: 202 once its tunnel is being closed. */
    @PostMapping("/devices/{deviceId}/offline")
    ResponseEntity<Map<String, Object>> offline(@AuthenticationPrincipal ClientPrincipal caller,
            @PathVariable String deviceId) {
        try {
            wakes.offline(caller.user(), deviceId, Wakes.CLIENT);
        } catch (WakeRefused e) {
            throw refusal(e, deviceId);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", "sent-offline");
        answer.put("message", "its tunnel is closed; it stays asleep until the next wake-up");
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
    }

    @PostMapping("/certificate")
    ResponseEntity<Map<String, Object>> certificate(@AuthenticationPrincipal ClientPrincipal caller,
            HttpServletRequest request) {
        JsonNode body = body(request);
        String csr = text(body, "csr", false);
        X509Certificate certificate = certificates.issue(caller, csr);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("certificate", Pem.certificate(certificate));
        answer.put("ca", authority.certificatePem());
        answer.put("expiresAt", certificate.getNotAfter().toInstant().toString());
        answer.put("relay", relay());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    @PostMapping("/tickets")
    ResponseEntity<Map<String, Object>> ticket(@AuthenticationPrincipal ClientPrincipal caller,
            HttpServletRequest request) {
        if (!ticketRate.tryTake(caller.sessionId())) {
            throw new ClientApiException(HttpStatus.TOO_MANY_REQUESTS, "throttled", ticketRate.refusal());
        }
        JsonNode body = body(request);
        String deviceId = text(body, "deviceId", true);
        String fingerprint = text(body, "certificate", true);
        String host = body.get("host") == null || body.get("host").isNull() ? null : text(body, "host", false);
        Integer port = port(body);
        ClientTickets.Issued issued = tickets.issue(caller, deviceId, host, port, fingerprint,
                request.getRemoteAddr());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ticket", issued.token());
        answer.put("expiresAt", issued.expiresAt().toString());
        answer.put("relay", relay());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    @ExceptionHandler(ClientApiException.class)
    ResponseEntity<Map<String, String>> refused(ClientApiException e) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            answer.header("WWW-Authenticate", "Bearer");
        }
        return answer.body(ClientErrors.body(e.code(), e.getMessage()));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, String>> failed(RuntimeException e) {
        log.error("Client API request failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(ClientErrors.body(ClientErrors.INTERNAL,
                ClientErrors.INTERNAL_MESSAGE));
    }

    /** A wake-up in the client API: every field of the view but the internal id; times ISO-8601 or absent. */
    private static Map<String, Object> wakeJson(DeviceWakes.WakeView wake) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("state", wake.state());
        answer.put("inProgress", wake.inProgress());
        answer.put("estimateSeconds", wake.estimateSeconds());
        answer.put("elapsedSeconds", wake.elapsedSeconds());
        answer.put("message", wake.message());
        putTime(answer, "requestedAt", wake.requestedAt());
        putTime(answer, "smsSentAt", wake.smsSentAt());
        putTime(answer, "diallingAt", wake.diallingAt());
        putTime(answer, "onlineAt", wake.onlineAt());
        putTime(answer, "endedAt", wake.endedAt());
        if (wake.endReason() != null) {
            answer.put("endReason", wake.endReason());
        }
        if (wake.failure() != null) {
            answer.put("failure", wake.failure());
        }
        return answer;
    }

    private static void putTime(Map<String, Object> answer, String field, Instant at) {
        if (at != null) {
            answer.put(field, at.toString());
        }
    }

    private static ClientApiException refusal(WakeRefused e, String deviceId) {
        if (e.reason() == WakeRefused.Reason.NOT_FOUND) {
            return ClientApiException.noSuchDevice(deviceId);
        }
        return new ClientApiException(HttpStatus.valueOf(e.reason().status()), e.reason().code(), e.getMessage());
    }

    private Map<String, Object> relay() {
        RelayDirectory.RelayAddress address = relays.relayFor(null);
        Map<String, Object> relay = new LinkedHashMap<>();
        relay.put("host", address.host());
        relay.put("port", address.port());
        return relay;
    }

    private static ClientApiException refusal(ClientSignIn.RefusedException e) {
        return switch (e.refusal()) {
            case BAD_CREDENTIALS -> new ClientApiException(HttpStatus.UNAUTHORIZED, "bad-credentials", e.getMessage());
            case TWO_FACTOR_REQUIRED -> new ClientApiException(HttpStatus.UNAUTHORIZED, "two-factor-required",
                    e.getMessage());
            case TWO_FACTOR_WRONG -> new ClientApiException(HttpStatus.UNAUTHORIZED, "two-factor-wrong",
                    e.getMessage());
            case REFUSED -> new ClientApiException(HttpStatus.FORBIDDEN, "signin-refused", e.getMessage());
            case THROTTLED -> new ClientApiException(HttpStatus.TOO_MANY_REQUESTS, "throttled", e.getMessage());
        };
    }

    /** The request's JSON object, read up to {@link #MAX_BODY_BYTES}. */
    private JsonNode body(HttpServletRequest request) {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try {
            bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw ClientApiException.badRequest("the request body could not be read: send it again");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        JsonNode body;
        try {
            body = bytes.length == 0 ? null : json.readTree(bytes);
        } catch (JacksonException e) {
            throw ClientApiException.badRequest("the request body is not JSON: send a JSON object");
        }
        if (body == null || !body.isObject()) {
            throw ClientApiException.badRequest("the request body must be a JSON object");
        }
        return body;
    }

    private static ClientApiException tooLarge() {
        return new ClientApiException(HttpStatus.CONTENT_TOO_LARGE, "bad-request", "the request body is larger than "
                + MAX_BODY_BYTES + " bytes");
    }

    /** A string field; null when absent (or JSON null) and not required. */
    private static String text(JsonNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ClientApiException.badRequest("\"" + field + "\" is missing: send it as a JSON string");
            }
            return null;
        }
        if (!value.isString()) {
            throw ClientApiException.badRequest("\"" + field + "\" must be a JSON string");
        }
        return value.asString();
    }

    /** The port as a whole number; null (then refused as a bad target) when absent or not a whole number. */
    private static Integer port(JsonNode body) {
        JsonNode value = body.get("port");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            return null;
        }
        return value.intValue();
    }
}
