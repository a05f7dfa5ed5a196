package dev.gangway.agent.setup;

import dev.gangway.agent.TestCa;
import dev.gangway.agent.identity.Pem;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Makes Easy Setup files the way the portal does (signStatement("easy-setup-v1", payload)), for tests. */
final class SetupFiles {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String KEY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567";

    private SetupFiles() {
    }

    /** A payload map with sensible values; change entries before {@link #file}. */
    static Map<String, Object> payload(String portal, Instant expiresAt) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("portal", portal);
        payload.put("activationKey", KEY);
        payload.put("deviceId", "dev-42");
        payload.put("deviceName", "Press 4");
        payload.put("issuedAt", expiresAt.minusSeconds(86_400).toString());
        payload.put("expiresAt", expiresAt.toString());
        payload.put("proxy", null);
        return payload;
    }

    static byte[] file(TestCa ca, Map<String, Object> payload) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(payload);
        return file(Pem.certificate(ca.certificate()), bytes, sign(ca.keys().getPrivate(), bytes));
    }

    static byte[] file(String caPem, byte[] payload, byte[] signature) {
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("format", "gangway-easy-setup");
        outer.put("version", 1);
        outer.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload));
        outer.put("signature", Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
        outer.put("ca", caPem);
        return JSON.writeValueAsBytes(outer);
    }

    static byte[] sign(PrivateKey key, byte[] payload) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update("gangway-easy-setup-v1\n".getBytes(StandardCharsets.US_ASCII));
        signer.update(payload);
        return signer.sign();
    }
}
