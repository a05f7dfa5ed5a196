package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.portal.sms.SmsSender;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The activation page's Easy Setup file download and "Send the key by SMS". */
@SpringBootTest
@AutoConfigureMockMvc
class ActivationPageTest extends PortalTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    CertificateAuthority authority;
    @Autowired
    JdbcTemplate jdbc;

    @MockitoSpyBean
    SmsSender smsSender;

    PortalUser alice;
    PortalUser bob;
    NewActivationKey alicesDevice;
    NewActivationKey bobsDevice;

    @BeforeEach
    void twoAccounts() {
        alice = TestData.newUser(accounts, users, encoder, "pw");
        bob = TestData.newUser(accounts, users, encoder, "pw");
        alicesDevice = registry.create(alice.accountId(), "Alice's press", "test");
        bobsDevice = registry.create(bob.accountId(), "Bob's mill", "test");
    }

    private MockHttpServletRequestBuilder easySetup(String deviceId, String key) {
        return post("/devices/" + deviceId + "/easy-setup").with(csrf()).param("key", key);
    }

    @Test
    void theActivationPageOffersBothWaysWithTheShownKey() throws Exception {
        String page = mvc.perform(get("/devices/" + alicesDevice.deviceId() + "/activation")
                        .with(TestData.signedIn(alice)).flashAttr("activationKey", alicesDevice.key())
                        .flashAttr("keyExpires", alicesDevice.expiresAt()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"easy-setup-form\"", "id=\"download-easy-setup\"", "id=\"activation-sms-form\"",
                "id=\"send-activation-sms\"", "name=\"key\" value=\"" + alicesDevice.key() + "\"");
        String noKey = mvc.perform(get("/devices/" + alicesDevice.deviceId() + "/activation")
                .with(TestData.signedIn(alice))).andReturn().getResponse().getContentAsString();
        assertThat(noKey).doesNotContain("id=\"easy-setup-form\"", "id=\"activation-sms-form\"");
    }

    @Test
    void downloadsASignedFileWithTheKeyThePortalAndTheKeysExpiry() throws Exception {
        MvcResult result = mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key().toLowerCase())
                        .with(TestData.signedIn(alice)))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"gangway-setup.json\""))
                .andExpect(header().string("Cache-Control", "no-store"))
                .andReturn();
        JsonNode file = JSON.readTree(result.getResponse().getContentAsByteArray());

        assertThat(file.get("format").stringValue()).isEqualTo("gangway-easy-setup");
        assertThat(file.get("version").intValue()).isEqualTo(1);
        assertThat(file.get("ca").stringValue()).isEqualTo(authority.certificatePem());
        byte[] payload = Base64.getUrlDecoder().decode(file.get("payload").stringValue());
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(authority.certificate().getPublicKey());
        verifier.update("gangway-easy-setup-v1\n".getBytes(StandardCharsets.US_ASCII));
        verifier.update(payload);
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(file.get("signature").stringValue()))).isTrue();
        JsonNode fields = JSON.readTree(payload);
        assertThat(fields.get("portal").stringValue()).isEqualTo("http://localhost");
        assertThat(fields.get("activationKey").stringValue()).isEqualTo(alicesDevice.key());
        assertThat(fields.get("deviceId").stringValue()).isEqualTo(alicesDevice.deviceId());
        assertThat(fields.get("deviceName").stringValue()).isEqualTo("Alice's press");
        assertThat(Instant.parse(fields.get("expiresAt").stringValue())).as("as stored (microseconds)")
                .isCloseTo(alicesDevice.expiresAt(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MILLIS));
        assertThat(fields.get("proxy").isNull()).isTrue();
        assertThat(audit(alicesDevice.deviceId(), "activation-key.easy-setup")).singleElement()
                .satisfies(detail -> assertThat(detail).startsWith("Easy Setup file for Alice's press, key expires ")
                        .endsWith(", no proxy").doesNotContain(alicesDevice.key()));
    }

    @Test
    void theProxyGoesIntoTheFileButItsPasswordNeverIntoTheAuditLog() throws Exception {
        MvcResult result = mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key())
                        .with(TestData.signedIn(alice)).param("proxyHost", "proxy.factory.example")
                        .param("proxyPort", "8080").param("proxyAuth", "ntlm").param("proxyUser", "gangway")
                        .param("proxyPassword", "s3cret pw").param("proxyDomain", "FACTORY"))
                .andExpect(status().isOk()).andReturn();
        JsonNode file = JSON.readTree(result.getResponse().getContentAsByteArray());
        JsonNode proxy = JSON.readTree(Base64.getUrlDecoder().decode(file.get("payload").stringValue()))
                .get("proxy");
        assertThat(proxy.get("host").stringValue()).isEqualTo("proxy.factory.example");
        assertThat(proxy.get("port").intValue()).isEqualTo(8080);
        assertThat(proxy.get("auth").stringValue()).isEqualTo("ntlm");
        assertThat(proxy.get("username").stringValue()).isEqualTo("gangway");
        assertThat(proxy.get("password").stringValue()).isEqualTo("s3cret pw");
        assertThat(proxy.get("domain").stringValue()).isEqualTo("FACTORY");
        assertThat(audit(alicesDevice.deviceId(), "activation-key.easy-setup")).singleElement()
                .satisfies(detail -> assertThat(detail).endsWith(", proxy proxy.factory.example:8080, ntlm as "
                        + "FACTORY\\gangway").doesNotContain("s3cret"));
    }

    @Test
    void aWrongProxyKeepsTheKeyOnThePageAndNamesTheField() throws Exception {
        mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key()).with(TestData.signedIn(alice))
                        .param("proxyHost", "proxy.example").param("proxyPort", "99999"))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/devices/" + alicesDevice.deviceId() + "/activation"))
                .andExpect(flash().attribute("easySetupError", "Proxy port: enter the proxy's TCP port (1-65535), "
                        + "often 3128 or 8080."))
                .andExpect(flash().attribute("activationKey", alicesDevice.key()))
                .andExpect(flash().attribute("proxyHost", "proxy.example"));
        mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key()).with(TestData.signedIn(alice))
                        .param("proxyHost", "proxy.example").param("proxyPort", "3128").param("proxyAuth", "basic")
                        .param("proxyUser", "u"))
                .andExpect(flash().attribute("easySetupError", "Proxy user and password: BASIC authentication "
                        + "needs both."));
        assertThat(audit(alicesDevice.deviceId(), "activation-key.easy-setup")).isEmpty();
    }

    @Test
    void aKeyThatIsNotTheDevicesCurrentOneGivesNoFile() throws Exception {
        NewActivationKey otherDevice = registry.create(alice.accountId(), "Alice's mill", "test");
        String wrongKey = ActivationKeys.generate();
        for (String key : new String[] {wrongKey, otherDevice.key(), "", "not a key"}) {
            mvc.perform(easySetup(alicesDevice.deviceId(), key).with(TestData.signedIn(alice)))
                    .andExpect(status().isFound())
                    .andExpect(flash().attribute("activationError", ActivationPageController.KEY_GONE))
                    .andExpect(flash().attribute("activationKey", (Object) null));
        }
        // a new key replaces the shown one
        NewActivationKey newer = registry.newActivationKey(alice.accountId(), alicesDevice.deviceId(), "test")
                .orElseThrow();
        mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key()).with(TestData.signedIn(alice)))
                .andExpect(flash().attribute("activationError", ActivationPageController.KEY_GONE));
        mvc.perform(easySetup(alicesDevice.deviceId(), newer.key()).with(TestData.signedIn(alice)))
                .andExpect(status().isOk());
        // a used key
        jdbc.update("update activation_key set used_at = ? where device_id = ? and used_at is null",
                java.sql.Timestamp.from(Instant.now()), alicesDevice.deviceId());
        mvc.perform(easySetup(alicesDevice.deviceId(), newer.key()).with(TestData.signedIn(alice)))
                .andExpect(flash().attribute("activationError", ActivationPageController.KEY_GONE));
        // an expired key
        NewActivationKey expiring = registry.newActivationKey(alice.accountId(), alicesDevice.deviceId(), "test")
                .orElseThrow();
        jdbc.update("update activation_key set expires_at = ? where device_id = ? and used_at is null",
                java.sql.Timestamp.from(Instant.now().minus(1, ChronoUnit.MINUTES)), alicesDevice.deviceId());
        mvc.perform(easySetup(alicesDevice.deviceId(), expiring.key()).with(TestData.signedIn(alice)))
                .andExpect(flash().attribute("activationError", ActivationPageController.KEY_GONE));
        assertThat(audit(alicesDevice.deviceId(), "activation-key.easy-setup")).hasSize(1);
    }

    @Test
    void anotherAccountsDeviceIsNotFoundEvenWithItsKey() throws Exception {
        mvc.perform(easySetup(bobsDevice.deviceId(), bobsDevice.key()).with(TestData.signedIn(alice)))
                .andExpect(status().isNotFound());
        mvc.perform(post("/devices/" + bobsDevice.deviceId() + "/activation-sms").with(csrf())
                        .with(TestData.signedIn(alice)).param("key", bobsDevice.key()).param("phone", "+491701234567"))
                .andExpect(status().isNotFound());
        mvc.perform(easySetup("no-such-device", bobsDevice.key()).with(TestData.signedIn(alice)))
                .andExpect(status().isNotFound());
        verify(smsSender, never()).send(anyString(), anyString(), any());
        assertThat(audit(bobsDevice.deviceId(), "activation-key.easy-setup")).isEmpty();
    }

    @Test
    void aUserWhoMayNotManageTheDeviceIsRefused() throws Exception {
        RightsTestData data = new RightsTestData(jdbc);
        String line = data.pool(alice.accountId(), "Line");
        data.poolDevice(line, alicesDevice.deviceId());
        PortalUser viewer = data.userWith(alice, line, Right.VIEW_STATUS);
        mvc.perform(easySetup(alicesDevice.deviceId(), alicesDevice.key()).with(TestData.signedIn(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/activation-sms").with(csrf())
                        .with(TestData.signedIn(viewer)).param("key", alicesDevice.key())
                        .param("phone", "+491701234567"))
                .andExpect(status().isForbidden());
        verify(smsSender, never()).send(anyString(), anyString(), any());
    }

    @Test
    void sendsTheKeyBySmsAndKeepsItOnThePage() throws Exception {
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/activation-sms").with(csrf())
                        .with(TestData.signedIn(alice)).param("key", alicesDevice.key())
                        .param("phone", "+49 170 123-4567"))
                .andExpect(status().isFound())
                .andExpect(flash().attribute("activationKey", alicesDevice.key()))
                // no gateway is configured in tests: the log-only default reports "not sent"
                .andExpect(flash().attribute("smsError", org.hamcrest.Matchers.startsWith(
                        "The SMS to +491701234567 could not be sent: ")));

        verify(smsSender).send(org.mockito.ArgumentMatchers.eq("+491701234567"),
                org.mockito.ArgumentMatchers.eq("GANGWAY KEY " + alicesDevice.key() + " http://localhost"), any());
        assertThat(audit(alicesDevice.deviceId(), ActivationSms.AUDIT_ACTION)).singleElement()
                .satisfies(detail -> assertThat(detail).startsWith("activation key for Alice's press sent by ")
                        .contains("to +491701234567").doesNotContain(alicesDevice.key()));
    }

    @Test
    void aBadPhoneNumberSendsNothing() throws Exception {
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/activation-sms").with(csrf())
                        .with(TestData.signedIn(alice)).param("key", alicesDevice.key()).param("phone", "0170 12345"))
                .andExpect(flash().attribute("smsError", org.hamcrest.Matchers.containsString("country code")))
                .andExpect(flash().attribute("smsPhone", "0170 12345"));
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/activation-sms").with(csrf())
                        .with(TestData.signedIn(alice)).param("key", ActivationKeys.generate())
                        .param("phone", "+491701234567"))
                .andExpect(flash().attribute("activationError", ActivationPageController.KEY_GONE));
        verify(smsSender, never()).send(anyString(), anyString(), any());
    }

    private List<String> audit(String deviceId, String action) {
        return jdbc.queryForList("select detail from audit_event where device_id = ? and action = ?", String.class,
                deviceId, action);
    }
}
