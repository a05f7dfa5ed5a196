package dev.gangway.portal.account;

import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.jackson.WebauthnJacksonModule;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON between {@code assets/passkeys.js} and the passkey endpoints: WebAuthn options out and credentials in, in
 * the WebAuthn JSON form (binary values base64url) of Spring Security's Jackson module; errors as
 * {@code {"error": "..."}}, next pages as {@code {"redirect": "/..."}}.
 */
final class PasskeyJson {

    /** Largest request body looked at: a registration with a large attestation fits many times over. */
    static final int MAX_BODY = 64 * 1024;

    private static final JsonMapper MAPPER = JsonMapper.builder().addModule(new WebauthnJacksonModule()).build();
    private static final TypeReference<PublicKeyCredential<AuthenticatorAttestationResponse>> ATTESTATION =
            new TypeReference<>() {
            };
    private static final TypeReference<PublicKeyCredential<AuthenticatorAssertionResponse>> ASSERTION =
            new TypeReference<>() {
            };

    private PasskeyJson() {
    }

    /** The body as a JSON object; empty when it is missing, too large or not an object. */
    static Optional<JsonNode> body(String body) {
        if (body == null || body.isBlank() || body.length() > MAX_BODY) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** A text field of the body, empty string when absent or not text. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isString() ? value.asString() : "";
    }

    static Optional<PublicKeyCredential<AuthenticatorAttestationResponse>> attestation(JsonNode body) {
        return credential(body, ATTESTATION);
    }

    static Optional<PublicKeyCredential<AuthenticatorAssertionResponse>> assertion(JsonNode body) {
        return credential(body, ASSERTION);
    }

    private static <T> Optional<T> credential(JsonNode body, TypeReference<T> type) {
        JsonNode credential = body.get("credential");
        if (credential == null || !credential.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readerFor(type).readValue(credential));
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    static ResponseEntity<String> ok(Object value) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(MAPPER.writeValueAsString(value));
    }

    static ResponseEntity<String> redirect(String path) {
        return ok(Map.of("redirect", path));
    }

    static ResponseEntity<String> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(MAPPER.writeValueAsString(Map.of("error", message)));
    }
}
