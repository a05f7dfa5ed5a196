package dev.gangway.portal.device;

import dev.gangway.portal.relay.RelayDirectory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device agent's HTTP API (JSON, no cookies, no CSRF): registration with an activation key and a CSR, which
 * relay to dial, and the site's key switch (a report signed with the device key, {@link SiteAccessReports}). Errors
 * are {@code {"error":"<plain sentence>"}}.
 */
@RestController
@RequestMapping(path = "/api/agent/v1", produces = "application/json")
class AgentApiController {

    private static final Logger log = LoggerFactory.getLogger(AgentApiController.class);

    private final Registration registration;
    private final DeviceRepository devices;
    private final RelayDirectory relays;
    private final SiteAccessReports siteAccess;

    AgentApiController(Registration registration, DeviceRepository devices, RelayDirectory relays,
            SiteAccessReports siteAccess) {
        this.registration = registration;
        this.devices = devices;
        this.relays = relays;
        this.siteAccess = siteAccess;
    }

    @PostMapping("/register")
    ResponseEntity<Registration.Result> register(@RequestBody(required = false) Registration.Request request) {
        Registration.Result result = registration.register(request);
        log.info("Registered device {} ({}) with serial {}", result.deviceName(), result.deviceId(),
                request.serial());
        return ResponseEntity.status(HttpStatus.CREATED).body(result);
    }

    @GetMapping("/relay")
    ResponseEntity<?> relay(@RequestParam("device") String deviceId) {
        if (deviceId.isBlank() || deviceId.length() > 36 || devices.findById(deviceId).isEmpty()) {
            return error(HttpStatus.NOT_FOUND, "device " + (deviceId.length() > 36 ? "id" : deviceId)
                    + " is not known to this portal: register the device again");
        }
        RelayDirectory.RelayAddress relay = relays.relayFor(deviceId);
        return ResponseEntity.ok(Map.of("relayHost", relay.host(), "relayPort", relay.port()));
    }

    /**
     * {@code POST /site-access}: the device reports whether remote access is enabled on site (its key switch). The body
     * is read as bytes: the signature covers them exactly.
     */
    @PostMapping(path = "/site-access", consumes = "application/json")
    ResponseEntity<?> siteAccess(@RequestBody(required = false) byte[] body,
            @RequestHeader(name = SiteAccessReports.SIGNATURE_HEADER, required = false) String signature) {
        SiteAccessReports.Result result = siteAccess.accept(body == null ? new byte[0] : body, signature);
        return ResponseEntity.ok(Map.of("enabled", result.enabled(), "changed", result.changed()));
    }

    @ExceptionHandler(SiteAccessReports.RefusedException.class)
    ResponseEntity<Map<String, String>> siteAccessRefused(SiteAccessReports.RefusedException e) {
        SiteAccessReports.logRefusal(e);
        return error(e.status(), e.getMessage());
    }

    @ExceptionHandler(RegistrationException.class)
    ResponseEntity<Map<String, String>> refused(RegistrationException e) {
        log.warn("Registration refused ({}): {}", e.status().value(), e.getMessage());
        return error(e.status(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "the request body is not valid JSON: send an object with "
                + "activationKey, csr, serial and agentVersion");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the request as Content-Type: application/json");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, String>> missingParameter(MissingServletRequestParameterException e) {
        return error(HttpStatus.BAD_REQUEST, "the query parameter '" + e.getParameterName() + "' is missing");
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }
}
