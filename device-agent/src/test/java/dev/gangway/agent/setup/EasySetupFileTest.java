package dev.gangway.agent.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.agent.TestCa;
import dev.gangway.agent.identity.Pem;
import dev.gangway.tunnel.ProxySettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class EasySetupFileTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-11-27T08:00:00Z");
    private static final String PORTAL = "https://portal.example:8443";
    private static TestCa ca;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create("portal CA");
    }

    @Test
    void aFileThePortalMadeVerifies() throws Exception {
        EasySetupFile file = EasySetupFile.verify(SetupFiles.file(ca, SetupFiles.payload(PORTAL + "/", EXPIRES)), NOW);

        assertThat(file.portal()).hasToString(PORTAL);
        assertThat(file.activationKey()).isEqualTo(SetupFiles.KEY);
        assertThat(file.deviceId()).isEqualTo("dev-42");
        assertThat(file.deviceName()).isEqualTo("Press 4");
        assertThat(file.expiresAt()).isEqualTo(EXPIRES);
        assertThat(file.proxy()).isEmpty();
        assertThat(file.ca()).isEqualTo(ca.certificate());
        assertThat(file.toString()).doesNotContain(SetupFiles.KEY);
    }

    @Test
    void oneByteOfThePortalChangedIsRefusedAsTampered() throws Exception {
        Map<String, Object> payload = SetupFiles.payload(PORTAL, EXPIRES);
        byte[] signed = SetupFiles.JSON.writeValueAsBytes(payload);
        byte[] signature = SetupFiles.sign(ca.keys().getPrivate(), signed);
        byte[] changed = new String(signed, StandardCharsets.UTF_8).replace("portal.example", "portal.exbmple")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> EasySetupFile.verify(SetupFiles.file(Pem.certificate(ca.certificate()), changed,
                signature), NOW))
                .isInstanceOfSatisfying(EasySetupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.TAMPERED);
                    assertThat(e.getMessage()).isEqualTo("the Easy Setup file was changed after the portal made it "
                            + "(signature does not match) — download a new one");
                });
    }

    @Test
    void aSignatureByAnotherKeyThanTheFilesCaIsRefused() throws Exception {
        TestCa other = TestCa.create("someone else");
        byte[] payload = SetupFiles.JSON.writeValueAsBytes(SetupFiles.payload(PORTAL, EXPIRES));
        byte[] file = SetupFiles.file(Pem.certificate(ca.certificate()), payload,
                SetupFiles.sign(other.keys().getPrivate(), payload));

        assertThatThrownBy(() -> EasySetupFile.verify(file, NOW)).isInstanceOfSatisfying(EasySetupException.class,
                e -> assertThat(e.reason()).isEqualTo(EasySetupException.Reason.TAMPERED));
    }

    @Test
    void anExpiredFileIsRefusedNamingTheDateAndTheFix() throws Exception {
        byte[] file = SetupFiles.file(ca, SetupFiles.payload(PORTAL, NOW.minusSeconds(1)));

        assertThatThrownBy(() -> EasySetupFile.verify(file, NOW)).isInstanceOfSatisfying(EasySetupException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.EXPIRED);
                    assertThat(e.getMessage()).isEqualTo("the Easy Setup file for Press 4 expired on "
                            + "2026-11-26T07:59:59Z — make a new activation key in the portal and download a new file");
                });
        assertThatThrownBy(() -> EasySetupFile.verify(SetupFiles.file(ca, SetupFiles.payload(PORTAL, NOW)), NOW))
                .as("expiring this very second counts as expired")
                .isInstanceOfSatisfying(EasySetupException.class,
                        e -> assertThat(e.reason()).isEqualTo(EasySetupException.Reason.EXPIRED));
    }

    @Test
    void aCertificateThatIsNoCaIsRefused() throws Exception {
        var deviceKeys = TestCa.ecKeys();
        String leaf = Pem.certificate(ca.issueDevice(deviceKeys.getPublic(), "dev-1", "S1"));
        byte[] payload = SetupFiles.JSON.writeValueAsBytes(SetupFiles.payload(PORTAL, EXPIRES));
        byte[] file = SetupFiles.file(leaf, payload, SetupFiles.sign(deviceKeys.getPrivate(), payload));

        assertThatThrownBy(() -> EasySetupFile.verify(file, NOW)).isInstanceOfSatisfying(EasySetupException.class,
                e -> assertThat(e.getMessage()).contains("'ca' is not a CA certificate"));
    }

    @Test
    void aUsedFileSaysSoAndWhatToDo() {
        byte[] used = """
                {"format":"gangway-easy-setup","version":1,
                 "used":{"deviceId":"dev-42","deviceName":"Press 4","portal":"https://p","at":"2026-11-26T07:00:00Z"}}
                """.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> EasySetupFile.verify(used, NOW)).isInstanceOfSatisfying(EasySetupException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.USED);
                    assertThat(e.getMessage()).isEqualTo("the Easy Setup file was already used to register Press 4 "
                            + "(dev-42) on 2026-11-26T07:00:00Z and holds no activation key any more — to register "
                            + "this machine, make a new activation key in the portal and download a new file");
                });
    }

    @Test
    void aFileOfANewerVersionAsksForANewerAgent() throws Exception {
        ObjectNode outer = (ObjectNode) SetupFiles.JSON.readTree(SetupFiles.file(ca,
                SetupFiles.payload(PORTAL, EXPIRES)));
        outer.put("version", 2);

        assertThatThrownBy(() -> EasySetupFile.verify(SetupFiles.JSON.writeValueAsBytes(outer), NOW))
                .isInstanceOfSatisfying(EasySetupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("update the agent");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[]",
        "null",
        "{\"format\":\"gangway-easy-setup\"}",
        "{\"format\":\"something-else\",\"version\":1}",
        "{\"format\":\"gangway-easy-setup\",\"version\":\"1\"}",
        "{\"format\":\"gangway-easy-setup\",\"version\":1,\"payload\":\"e30\",\"signature\":\"AA\"}",
        "{\"format\":\"gangway-easy-setup\",\"version\":1,\"ca\":\"-----BEGIN CERTIFICATE-----\\nAA==\\n-----END CERTIFICATE-----\"}",
        "{\"format\":\"gangway-easy-setup\",\"format\":\"gangway-easy-setup\",\"version\":1}",
        "{\"format\":\"gangway-easy-setup\",\"version\":1} trailing",
    })
    void hostileOrDamagedFilesAreRefusedAsNotUsable(String content) {
        assertThatThrownBy(() -> EasySetupFile.verify(content.getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOfSatisfying(EasySetupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.MALFORMED);
                    assertThat(e.getMessage()).startsWith("this is not a usable Easy Setup file (")
                            .endsWith("— download a new one from the portal's activation page");
                });
    }

    @Test
    void deeplyNestedAndOversizedInputIsRefusedWithoutTrouble() {
        byte[] deep = ("{\"a\":" + "[".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        byte[] huge = new byte[EasySetupFile.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');

        assertThatThrownBy(() -> EasySetupFile.verify(deep, NOW)).isInstanceOf(EasySetupException.class);
        assertThatThrownBy(() -> EasySetupFile.verify(huge, NOW)).isInstanceOfSatisfying(EasySetupException.class,
                e -> assertThat(e.getMessage()).contains("larger than 64 KiB"));
    }

    @Test
    void aSignedButBrokenPayloadIsStillRefusedFieldByField() throws Exception {
        Map<String, Object> payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("portal", "ftp://portal.example");
        assertMalformed(payload, "'portal' is not a portal address");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("activationKey", "key\nwith a line break");
        assertMalformed(payload, "'activationKey' is not an activation key");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("expiresAt", "tomorrow");
        assertMalformed(payload, "'expiresAt' is not a time");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.remove("deviceId");
        assertMalformed(payload, "'deviceId' is missing");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("proxy", Map.of("host", "proxy.example", "port", 70000));
        assertMalformed(payload, "'proxy.port' is not a TCP port");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("proxy", Map.of("host", "proxy.example", "port", 3128, "auth", "kerberos", "username", "u",
                "password", "p"));
        assertMalformed(payload, "'proxy.auth' is 'kerberos'");
        payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("proxy", Map.of("host", "proxy.example", "port", 3128, "auth", "basic", "username", "u"));
        assertMalformed(payload, "needs a user name (without ':') and a password");
    }

    @Test
    void proxySettingsComeAlongAndAreNeverShown() throws Exception {
        Map<String, Object> proxy = new LinkedHashMap<>();
        proxy.put("host", "proxy.factory.example");
        proxy.put("port", 8080);
        proxy.put("auth", "ntlm");
        proxy.put("username", "gangway");
        proxy.put("password", "s3cret-proxy");
        proxy.put("domain", "FACTORY");
        Map<String, Object> payload = SetupFiles.payload(PORTAL, EXPIRES);
        payload.put("proxy", proxy);

        EasySetupFile file = EasySetupFile.verify(SetupFiles.file(ca, payload), NOW);

        ProxySettings settings = file.proxy().orElseThrow();
        assertThat(settings.scheme()).isEqualTo(ProxySettings.Scheme.NTLM);
        assertThat(settings.where()).isEqualTo("proxy.factory.example:8080");
        assertThat(settings.account()).isEqualTo("FACTORY\\gangway");
        assertThat(settings.password()).isEqualTo("s3cret-proxy");
        assertThat(file.toString()).doesNotContain("s3cret-proxy");

        payload.put("proxy", Map.of("host", "10.0.0.1", "port", 3128, "auth", "none"));
        assertThat(EasySetupFile.verify(SetupFiles.file(ca, payload), NOW).proxy().orElseThrow().scheme())
                .isEqualTo(ProxySettings.Scheme.NONE);
    }

    @Test
    void base64WithPaddingOrStandardAlphabetIsReadOnlyWhenItIsUrlSafe() throws Exception {
        JsonNode outer = SetupFiles.JSON.readTree(SetupFiles.file(ca, SetupFiles.payload(PORTAL, EXPIRES)));
        String payload = outer.get("payload").stringValue();
        byte[] decoded = Base64.getUrlDecoder().decode(payload);
        ((ObjectNode) outer).put("payload", Base64.getUrlEncoder().encodeToString(decoded));

        assertThat(EasySetupFile.verify(SetupFiles.JSON.writeValueAsBytes(outer), NOW).deviceId()).isEqualTo("dev-42");
    }

    private static void assertMalformed(Map<String, Object> payload, String problem) {
        assertThatThrownBy(() -> EasySetupFile.verify(SetupFiles.file(ca, payload), NOW))
                .isInstanceOfSatisfying(EasySetupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EasySetupException.Reason.MALFORMED);
                    assertThat(e.getMessage()).contains(problem);
                });
    }
}
