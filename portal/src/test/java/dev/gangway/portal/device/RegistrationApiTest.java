package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificateRepository;
import dev.gangway.portal.pki.TestCsr;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest
@AutoConfigureMockMvc
class RegistrationApiTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    DeviceRepository devices;
    @Autowired
    ActivationKeyRepository keys;
    @Autowired
    DeviceCertificateRepository certificates;
    @Autowired
    CertificateAuthority authority;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    PortalUser user;

    @BeforeEach
    void account() {
        user = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void registersWithAKeyOnceAndIssuesACertificateNamingTheDeviceAndItsSerial() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Press line 3", "test");

        String body = register(key.key(), TestCsr.greedy(TestCsr.ecKey("secp256r1")), "SN-A1")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.deviceId").value(key.deviceId()))
                .andExpect(jsonPath("$.deviceName").value("Press line 3"))
                .andExpect(jsonPath("$.relayHost").value("localhost"))
                .andReturn().getResponse().getContentAsString();

        JsonNode answer = json.readTree(body);
        X509Certificate cert = certificate(answer.get("certificate").asString());
        assertThat(cert.getSubjectX500Principal().toString())
                .isEqualTo("CN=" + key.deviceId() + ", SERIALNUMBER=SN-A1");
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate(answer.get("caCertificate").asString())).isEqualTo(authority.certificate());
        assertThat(answer.get("relayPort").isInt()).isTrue();
        Device device = devices.findById(key.deviceId()).orElseThrow();
        assertThat(device.getSerial()).isEqualTo("SN-A1");
        assertThat(device.getAgentVersion()).isEqualTo("0.1.0-test");
        assertThat(certificates.findByDeviceIdOrderByIssuedAtDesc(key.deviceId())).hasSize(1);
    }

    @Test
    void aDeviceBoundToAnAccountTakesOnlyThatAccountsKeysAndAForeignKeyStaysUsable() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Bound", "test");
        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String otherName = accounts.findById(other.accountId()).orElseThrow().getName();
        String ownName = accounts.findById(user.accountId()).orElseThrow().getName();
        long certs = count("device_certificate");

        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-B1", otherName)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("this activation key is not one of account \"" + otherName
                        + "\", the account this device is set up for: make the key in that account"));
        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-B1", "no-such-account")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith("this activation key is not")));
        assertThat(count("device_certificate")).isEqualTo(certs);

        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-B1", ownName)
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.deviceId").value(key.deviceId()));
    }

    @Test
    void aUsedKeyIsRefusedWith410AndCreatesNothing() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Used", "test");
        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-U1").andExpect(status().isCreated());
        long before = count("device_certificate");

        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-U2")
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.error").value("activation key has already been used"));

        assertThat(count("device_certificate")).isEqualTo(before);
        assertThat(devices.findById(key.deviceId()).orElseThrow().getSerial()).isEqualTo("SN-U1");
    }

    @Test
    void anUnknownKeyIsRefusedWith403AndCreatesNothing() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Wrong key", "test");
        long certs = count("device_certificate");
        long devicesBefore = count("device");

        register("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-W1")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("activation key not recognised"));
        register("not a key at all", TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-W1")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("activation key not recognised"));

        assertThat(count("device_certificate")).isEqualTo(certs);
        assertThat(count("device")).isEqualTo(devicesBefore);
        assertThat(devices.findById(key.deviceId()).orElseThrow().getSerial()).isNull();
    }

    @Test
    void anExpiredKeyIsRefusedWith410NamingTheDateAndCreatesNothing() throws Exception {
        Device device = devices.findById(registry.create(user.accountId(), "Expired", "test").deviceId())
                .orElseThrow();
        String text = ActivationKeys.generate();
        Instant expired = Instant.parse("2020-03-04T05:06:07Z");
        ActivationKey key = keys.save(new ActivationKey(device.getId(),
                ActivationKeys.hash(ActivationKeys.normalise(text)), expired.minusSeconds(3600), expired));
        long certs = count("device_certificate");

        register(text, TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-E1")
                .andExpect(status().isGone())
                .andExpect(jsonPath("$.error").value("activation key expired on 2020-03-04T05:06:07Z"));

        assertThat(count("device_certificate")).isEqualTo(certs);
        assertThat(keys.findById(key.getId()).orElseThrow().getUsedAt()).isNull();
        assertThat(devices.findById(device.getId()).orElseThrow().getSerial()).isNull();
    }

    @Test
    void malformedRequestsGet400AndLeaveTheKeyUsable() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Malformed", "test");
        long certs = count("device_certificate");

        register(key.key(), "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----",
                "SN-M1")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith("csr")));
        register(key.key(), TestCsr.mismatched(TestCsr.ecKey("secp256r1"), TestCsr.ecKey("secp256r1")), "SN-M1")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("signature")));
        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "bad serial with spaces")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith("serial")));
        mvc.perform(post("/api/agent/v1/register").contentType(MediaType.APPLICATION_JSON).content("{not json"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("not valid JSON")));
        assertThat(count("device_certificate")).isEqualTo(certs);

        register(key.key().toLowerCase().replace("-", " "), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-M1")
                .andExpect(status().isCreated());
    }

    @Test
    void registeringASerialAgainRevokesItsEarlierCertificatesAtOnce() throws Exception {
        NewActivationKey first = registry.create(user.accountId(), "First", "test");
        register(first.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-R1").andExpect(status().isCreated());
        NewActivationKey again = registry.newActivationKey(user.accountId(), first.deviceId(), "test").orElseThrow();
        register(again.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-R1").andExpect(status().isCreated());
        NewActivationKey second = registry.create(user.accountId(), "Same machine, new entry", "test");
        register(second.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-R1").andExpect(status().isCreated());

        List<DeviceCertificate> firstCerts = certificates.findByDeviceIdOrderByIssuedAtDesc(first.deviceId());
        assertThat(firstCerts).hasSize(2).allSatisfy(c -> {
            assertThat(c.getRevokedAt()).isNotNull();
            assertThat(c.getRevokeReason()).startsWith("superseded by certificate");
        });
        List<DeviceCertificate> secondCerts = certificates.findByDeviceIdOrderByIssuedAtDesc(second.deviceId());
        assertThat(secondCerts).singleElement().satisfies(c -> assertThat(c.getRevokedAt()).isNull());
    }

    @Test
    void tellsARegisteredDeviceWhichRelayToDial() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Relay", "test");
        mvc.perform(get("/api/agent/v1/relay").param("device", key.deviceId()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.relayHost").value("localhost"))
                .andExpect(jsonPath("$.relayPort").isNumber());
        mvc.perform(get("/api/agent/v1/relay").param("device", "00000000-0000-0000-0000-000000000000"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").isString());
    }

    @Test
    void anOversizedBodyIsRefusedWith413BeforeItIsParsedAndTheKeyStaysUsable() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "Big", "test");
        String padding = "x".repeat(70 * 1024);
        mvc.perform(post("/api/agent/v1/register").contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("activationKey", key.key(), "csr", padding,
                                "serial", "SN-BIG", "agentVersion", "0.1.0-test"))))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.error").value("request body too large"));
        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-BIG").andExpect(status().isCreated());
    }

    @Test
    void anRsaKeyIsRefusedWith400NamingTheKeyType() throws Exception {
        NewActivationKey key = registry.create(user.accountId(), "RSA", "test");
        register(key.key(), TestCsr.plain(TestCsr.rsaKey(2048)), "SN-RSA")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("only EC P-256")));
        register(key.key(), TestCsr.plain(TestCsr.ecKey("secp256r1")), "SN-RSA").andExpect(status().isCreated());
    }

    private ResultActions register(String key, String csr, String serial) throws Exception {
        return register(key, csr, serial, null);
    }

    private ResultActions register(String key, String csr, String serial, String account) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        if (account != null) {
            request.put("account", account);
        }
        request.put("activationKey", key);
        request.put("csr", csr);
        request.put("serial", serial);
        request.put("agentVersion", "0.1.0-test");
        return mvc.perform(post("/api/agent/v1/register").contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(request)));
    }

    private long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
