package dev.gangway.portal.device;

import dev.gangway.portal.account.ClientSignIn;
import dev.gangway.portal.pki.CertificateRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/agent/v1/register-by-name}: a technician on site registers the device with the account, user,
 * password (and two-factor code) of a user who holds "Manage devices" and a device name. The sign-in is the client
 * API's ({@link ClientSignIn}: same throttles, lockout, audit and error codes); the answer is the activation-key
 * registration's. Errors are {@code {"error":"<code>","message":"<plain sentence>"}}. Stateless; the password is
 * never logged.
 */
@RestController
@RequestMapping(path = "/api/agent/v1", produces = "application/json")
class RegisterByNameController {

    private static final Logger log = LoggerFactory.getLogger(RegisterByNameController.class);

    private final ClientSignIn signIn;
    private final Registration registration;

    RegisterByNameController(ClientSignIn signIn, Registration registration) {
        this.signIn = signIn;
        this.registration = registration;
    }

    /** The request body; {@code code} and {@code pool} are optional. */
    record Request(String account, String user, String password, String code, String deviceName, String pool,
            String serial, String csr, String agentVersion) {

        @Override
        public String toString() {
            return "Request[account=" + account + ", user=" + user + ", deviceName=" + deviceName + ", pool=" + pool
                    + ", serial=" + serial + "]";
        }
    }

    @PostMapping("/register-by-name")
    ResponseEntity<Registration.Result> register(@RequestBody(required = false) Request request,
            HttpServletRequest http) {
        if (request == null) {
            throw missing("the request body is missing: send JSON with account, user, password, deviceName, serial "
                    + "and csr");
        }
        if (blank(request.account())) {
            throw missing("account is missing: send the name of the portal account");
        }
        if (blank(request.user())) {
            throw missing("user is missing: send the user name of a user with the 'Manage devices' right");
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw missing("password is missing: send the user's password");
        }
        if (blank(request.deviceName())) {
            throw missing("deviceName is missing: send the name the device gets in the portal");
        }
        CertificateRequest csr = Registration.checkAgentFields(request.serial(), request.agentVersion(),
                request.csr());
        ClientSignIn.SignedIn signedIn;
        try {
            signedIn = signIn.signIn(request.account(), request.user(), request.password(), request.code(),
                    http.getRemoteAddr());
        } catch (ClientSignIn.RefusedException e) {
            throw refusal(e);
        }
        Registration.Result result = registration.registerByName(signedIn.user(), request.deviceName(),
                request.pool(), request.serial(), request.agentVersion(), csr);
        log.info("Registered device {} ({}) by name by {} with serial {}", result.deviceName(), result.deviceId(),
                signedIn.user().getName(), request.serial());
        return ResponseEntity.status(HttpStatus.CREATED).body(result);
    }

    @ExceptionHandler(RegistrationException.class)
    ResponseEntity<Map<String, String>> refused(RegistrationException e) {
        log.warn("Registration by name refused ({} {}): {}", e.status().value(), e.code(), e.getMessage());
        return error(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "bad-request", "the request body is not valid JSON: send an object "
                + "with account, user, password, deviceName, serial and csr");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "bad-request",
                "send the request as Content-Type: application/json");
    }

    /** The client API's codes and statuses for a refused sign-in. */
    static RegistrationException refusal(ClientSignIn.RefusedException e) {
        return switch (e.refusal()) {
            case BAD_CREDENTIALS -> new RegistrationException(HttpStatus.UNAUTHORIZED, "bad-credentials",
                    e.getMessage());
            case TWO_FACTOR_REQUIRED -> new RegistrationException(HttpStatus.UNAUTHORIZED, "two-factor-required",
                    e.getMessage());
            case TWO_FACTOR_WRONG -> new RegistrationException(HttpStatus.UNAUTHORIZED, "two-factor-wrong",
                    e.getMessage());
            case REFUSED -> new RegistrationException(HttpStatus.FORBIDDEN, "signin-refused", e.getMessage());
            case THROTTLED -> new RegistrationException(HttpStatus.TOO_MANY_REQUESTS, "throttled", e.getMessage());
        };
    }

    private static RegistrationException missing(String message) {
        return new RegistrationException(HttpStatus.BAD_REQUEST, "bad-request", message);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return ResponseEntity.status(status).body(body);
    }
}
