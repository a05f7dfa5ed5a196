package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.TestCsr;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The key switch on the portal's side: {@code POST /api/agent/v1/site-access}, signed with the device key. A change is
 * audited once, shown on the device list and page (and live) as "remote access disabled on site", and refuses to open
 * the HMI with that sentence; a report that is unsigned, forged, replayed, out of order, from another device or from
 * a revoked certificate changes nothing.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SiteAccessApiTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    DeviceCertificates certificates;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    PortalUser user;

    /** A registered device: its id, key and certificate. */
    record Registered(String deviceId, PrivateKey key, X509Certificate certificate) {
    }

    @BeforeEach
    void account() {
        user = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void offIsAuditedOnceAndShownOnTheListThePageAndWhenOpeningTheHmi() throws Exception {
        Registered device = register("Press 7");
        DeviceTestData.online(tunnels, device.deviceId());
        MvcResult events = mvc.perform(get("/devices/events").with(TestData.signedIn(user)))
                .andExpect(request().asyncStarted()).andReturn();

        // the agent closes its tunnel, then reports
        DeviceTestData.offline(tunnels, device.deviceId());
        report(device, false, Instant.now())
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(false))
                .andExpect(jsonPath("$.changed").value(true));

        assertThat(audit(device)).containsExactly("device.site-access ok off: key switch off, remote access disabled"
                + " on site (certificate " + DeviceCertificates.serialOf(device.certificate()) + ")");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(events.getResponse()
                .getContentAsString()).endsWith("data:{\"id\":\"" + device.deviceId() + "\",\"online\":false,"
                        + "\"status\":\"site-disabled\",\"label\":\"remote access disabled on site\"}\n\n"));
        assertThat(page("/devices")).contains("<td class=\"status\" data-status=\"site-disabled\" data-live-device=\""
                + device.deviceId() + "\">remote access disabled on site</td>");
        String page = page("/devices/" + device.deviceId());
        assertThat(page).contains("data-status=\"site-disabled\"", ">remote access disabled on site</span>",
                "Remote access disabled on site: the machine's key switch is off", "disabled by the key switch since")
                .doesNotContain("data-site-disabled-notice=\"" + device.deviceId() + "\" hidden=\"hidden\"");
        mvc.perform(post("/devices/" + device.deviceId() + "/services/hmi/open").with(TestData.signedIn(user))
                        .with(csrf()))
                .andExpect(status().isFound())
                .andExpect(flash().attribute("openError", "Press 7: remote access disabled on site. Its HMI cannot be"
                        + " opened until someone at the machine turns the key switch on."));

        // the same state again (an agent restart) is no change
        report(device, false, Instant.now()).andExpect(status().isOk()).andExpect(jsonPath("$.changed").value(false));
        assertThat(audit(device)).hasSize(1);

        report(device, true, Instant.now()).andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(true)).andExpect(jsonPath("$.changed").value(true));
        assertThat(audit(device)).hasSize(2).last().asString()
                .isEqualTo("device.site-access ok on: key switch on, remote access enabled on site (certificate "
                        + DeviceCertificates.serialOf(device.certificate()) + ")");
        assertThat(page("/devices")).contains("data-live-device=\"" + device.deviceId() + "\">offline</td>");
        assertThat(page("/devices/" + device.deviceId())).contains(">offline</span>",
                "data-site-disabled-notice=\"" + device.deviceId() + "\" hidden=\"hidden\"");
        DeviceTestData.online(tunnels, device.deviceId());
        assertThat(page("/devices/" + device.deviceId())).contains(">online</span>");
    }

    @Test
    void anAgentWithoutKeySwitchSaysSoInTheAudit() throws Exception {
        Registered device = register("No switch");
        report(device, false, Instant.now()).andExpect(status().isOk());
        report(device, true, Instant.now(), false).andExpect(status().isOk());
        assertThat(audit(device)).last().asString().startsWith(
                "device.site-access ok on: no key switch configured, remote access enabled on site");
    }

    @Test
    void reportsThatAreNotTheDevicesOwnNewestAreRefusedAndChangeNothing() throws Exception {
        Registered device = register("Guarded");
        Registered other = register("Neighbour");
        Instant now = Instant.now();

        byte[] body = body(device, false, now, true);
        send(body, null).andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error", Matchers.startsWith("the report is not signed")));
        send(body, sign(body, TestCsr.ecKey("secp256r1").getPrivate())).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("the signature does not match the report and the device certificate"));
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"enabled\":false", "\"enabled\":true ")
                .getBytes(StandardCharsets.UTF_8);
        send(tampered, sign(body, device.key())).andExpect(status().isForbidden());

        // another device's certificate and key, about this device
        Map<String, Object> foreign = fields(other, false, now, true);
        foreign.put("deviceId", device.deviceId());
        byte[] foreignBody = json.writeValueAsBytes(foreign);
        send(foreignBody, sign(foreignBody, other.key())).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("the certificate is not device " + device.deviceId() + "'s"));

        // a certificate this portal's CA never signed
        Map<String, Object> selfMade = fields(device, false, now, true);
        selfMade.put("certificate", dev.gangway.portal.pki.Pem.certificate(selfSigned(device.deviceId())));
        byte[] selfMadeBody = json.writeValueAsBytes(selfMade);
        send(selfMadeBody, sign(selfMadeBody, device.key())).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("the certificate was not issued by this portal"));

        // a clock far off
        report(device, false, now.minus(Duration.ofMinutes(30))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", Matchers.endsWith("set the device's clock (NTP)")));

        send("{\"deviceId\":".getBytes(StandardCharsets.UTF_8), "AAAA").andExpect(status().isBadRequest());
        assertThat(audit(device)).isEmpty();
        assertThat(disabled(device)).isFalse();

        // the real one; then the same bytes again (a replay) and an older one
        send(body, sign(body, device.key())).andExpect(status().isOk()).andExpect(jsonPath("$.changed").value(true));
        send(body, sign(body, device.key())).andExpect(status().isConflict());
        report(device, true, now.minusSeconds(5)).andExpect(status().isConflict());
        assertThat(disabled(device)).isTrue();
        assertThat(audit(device)).hasSize(1);

        // a revoked certificate may no longer speak for the device
        certificates.revokeDevice(user.accountId(), device.deviceId(), "test", "test");
        report(device, true, Instant.now()).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("this device's certificate was revoked: register the device again"));
        assertThat(disabled(device)).isTrue();
    }

    private Registered register(String name) throws Exception {
        NewActivationKey key = registry.create(user.accountId(), name, "test");
        KeyPair keys = TestCsr.ecKey("secp256r1");
        Map<String, String> request = new LinkedHashMap<>();
        request.put("activationKey", key.key());
        request.put("csr", TestCsr.plain(keys));
        request.put("serial", "SN-" + key.deviceId().substring(0, 8));
        request.put("agentVersion", "0.1.0-test");
        JsonNode answer = json.readTree(mvc.perform(post("/api/agent/v1/register")
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(request)))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString());
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(answer.get("certificate").asString().getBytes(StandardCharsets.US_ASCII)));
        return new Registered(key.deviceId(), keys.getPrivate(), certificate);
    }

    private Map<String, Object> fields(Registered device, boolean enabled, Instant at, boolean keySwitch)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", device.deviceId());
        body.put("enabled", enabled);
        body.put("keySwitch", keySwitch);
        body.put("at", at.toString());
        body.put("certificate", dev.gangway.portal.pki.Pem.certificate(device.certificate()));
        return body;
    }

    private byte[] body(Registered device, boolean enabled, Instant at, boolean keySwitch) throws Exception {
        return json.writeValueAsBytes(fields(device, enabled, at, keySwitch));
    }

    private ResultActions report(Registered device, boolean enabled, Instant at) throws Exception {
        return report(device, enabled, at, true);
    }

    private ResultActions report(Registered device, boolean enabled, Instant at, boolean keySwitch) throws Exception {
        byte[] body = body(device, enabled, at, keySwitch);
        return send(body, sign(body, device.key()));
    }

    private ResultActions send(byte[] body, String signature) throws Exception {
        var request = post("/api/agent/v1/site-access")
                .contentType(MediaType.APPLICATION_JSON).content(body);
        if (signature != null) {
            request.header("Gangway-Signature", signature);
        }
        return mvc.perform(request);
    }

    /** A certificate naming the device, made by someone else than this portal's CA. */
    private static X509Certificate selfSigned(String deviceId) throws Exception {
        KeyPair keys = TestCsr.ecKey("secp256r1");
        X500Name subject = new X500Name("CN=" + deviceId);
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(3600)), subject, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static String sign(byte[] body, PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private List<String> audit(Registered device) {
        return jdbc.queryForList("select action || ' ' || result || ' ' || detail from audit_event where device_id = ?"
                + " and action = 'device.site-access' order by occurred_at", String.class, device.deviceId());
    }

    private boolean disabled(Registered device) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select site_access_disabled from device where id = ?",
                Boolean.class, device.deviceId()));
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(TestData.signedIn(user))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }
}
