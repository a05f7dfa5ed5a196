package dev.gangway.portal.account;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A software WebAuthn authenticator for MockMvc tests: an ES256 key pair and a credential id, making "none"
 * attestations and signed assertions the way a browser hands them to the portal (JSON, binary values base64url).
 * The origin in the client data is whatever the test says, so a test can play a phishing site.
 */
final class SoftAuthenticator {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte UP = 0x01;
    private static final byte UV = 0x04;
    private static final byte AT = 0x40;

    private final KeyPair keys;
    private final byte[] credentialId = new byte[32];
    private final ObjectConverter converter = new ObjectConverter();
    private long counter;

    SoftAuthenticator() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        new SecureRandom().nextBytes(credentialId);
    }

    String credentialId() {
        return b64(credentialId);
    }

    /** The JSON body the page posts to register: the label and a new credential for these creation options. */
    String registration(String creationOptionsJson, String origin, String label) {
        JsonNode options = JSON.readTree(creationOptionsJson);
        String rpId = options.get("rp").get("id").asString();
        byte[] clientData = clientData("webauthn.create", options.get("challenge").asString(), origin);
        AttestedCredentialData credential = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> authData = new AuthenticatorData<>(
                sha256(rpId.getBytes(StandardCharsets.UTF_8)), (byte) (UP | UV | AT), counter, credential);
        byte[] attestation = new AttestationObjectConverter(converter).convertToBytes(
                new AttestationObject(authData, new NoneAttestationStatement()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("attestationObject", b64(attestation));
        response.put("clientDataJSON", b64(clientData));
        response.put("transports", List.of("internal"));
        return JSON.writeValueAsString(Map.of("label", label, "credential", credential(response)));
    }

    /** The JSON body the second step posts: an assertion over these request options' challenge. */
    String assertion(String requestOptionsJson, String origin, byte[] userHandle) {
        JsonNode options = JSON.readTree(requestOptionsJson);
        String rpId = options.get("rpId").asString();
        byte[] clientData = clientData("webauthn.get", options.get("challenge").asString(), origin);
        counter++;
        byte[] authData = new AuthenticatorDataConverter(converter).convert(
                new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(
                        sha256(rpId.getBytes(StandardCharsets.UTF_8)), (byte) (UP | UV), counter));
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authData);
            signer.update(sha256(clientData));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("authenticatorData", b64(authData));
        response.put("clientDataJSON", b64(clientData));
        response.put("signature", b64(signature));
        response.put("userHandle", userHandle == null ? null : b64(userHandle));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("remember", false);
        body.put("credential", credential(response));
        return JSON.writeValueAsString(body);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", b64(credentialId));
        credential.put("rawId", b64(credentialId));
        credential.put("type", "public-key");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of());
        credential.put("authenticatorAttachment", "platform");
        return credential;
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("challenge", challenge);
        data.put("origin", origin);
        data.put("crossOrigin", false);
        return JSON.writeValueAsString(data).getBytes(StandardCharsets.UTF_8);
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
