package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hand-made calls to the portal's client API ({@code /api/client/v1}), as someone would make them without the
 * client: to show that the portal and the relay, not the client, enforce the rights.
 */
final class ClientApiCalls {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param portalUrl e.g. {@code http://127.0.0.1:8080} */
    ClientApiCalls(String portalUrl) {
        this.base = portalUrl + "/api/client/v1";
    }

    /** Status and parsed body of an answer. */
    record Answer(int status, JsonNode body, String raw) {

        String describe() {
            return status + " " + raw;
        }
    }

    /** {@code POST /sessions}; returns the bearer token. */
    String signIn(String account, String user, String password) {
        Answer answer = post(null, "/sessions", Map.of("account", account, "user", user, "password", password));
        assertThat(answer.status()).as("sign-in through the API: " + answer.describe()).isEqualTo(201);
        return answer.body().get("token").asString();
    }

    /** {@code POST /certificate} with a CSR of {@code keys}. */
    Answer certificate(String token, KeyPair keys) {
        return post(token, "/certificate", Map.of("csr", csr(keys)));
    }

    /** {@code POST /tickets}. */
    Answer ticket(String token, String deviceId, String host, int port, String fingerprint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("host", host);
        body.put("port", port);
        body.put("certificate", fingerprint);
        return post(token, "/tickets", body);
    }

    Answer post(String token, String path, Map<String, ?> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode parsed = raw == null || raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            return new Answer(response.statusCode(), parsed, raw);
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + base + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An EC P-256 key pair, as the client makes one in memory. */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate parseCertificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static String csr(KeyPair keys) {
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=hand-made"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(request);
            }
            return pem.toString();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a CSR: " + e.getMessage(), e);
        }
    }
}
