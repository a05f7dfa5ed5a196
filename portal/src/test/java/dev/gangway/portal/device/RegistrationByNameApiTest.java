package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.TwoFactor;
import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificateRepository;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.DeviceAuthorizer;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/agent/v1/register-by-name}: sign-in refusals, rights, pools, and the take-over of a device. */
@SpringBootTest
@AutoConfigureMockMvc
class RegistrationByNameApiTest extends PortalTestSupport {

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

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
    DeviceCertificateRepository certificateRows;
    @Autowired
    DeviceCertificates certificates;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    TwoFactor twoFactor;

    RightsTestData data;
    PortalUser admin;
    String line;
    String address;

    @BeforeEach
    void account() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "admin-pw");
        line = data.pool(admin.accountId(), "Line");
        int n = ADDRESSES.incrementAndGet();
        address = "203.0.113." + (n % 250 + 1);
    }

    /** A non-admin user with the password "pw" holding {@code right} on {@code pool}. */
    PortalUser member(String pool, Right right) {
        PortalUser user = data.userWith(admin, pool, right);
        jdbc.update("update app_user set password_hash = ? where id = ?", encoder.encode("pw"), user.userId());
        return user;
    }

    Map<String, Object> body(PortalUser user, String password, String deviceName, String serial) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", user.accountName());
        body.put("user", user.username());
        body.put("password", password);
        body.put("deviceName", deviceName);
        body.put("serial", serial);
        body.put("csr", TestCsr.plain(TestCsr.ecKey("secp256r1")));
        body.put("agentVersion", "0.1.0-test");
        return body;
    }

    MvcResult register(Map<String, Object> body) throws Exception {
        return mvc.perform(post("/api/agent/v1/register-by-name").contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(body)).with(request -> {
                    request.setRemoteAddr(address);
                    return request;
                })).andReturn();
    }

    JsonNode created(MvcResult result) throws Exception {
        String text = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(text).isEqualTo(201);
        return json.readTree(text);
    }

    void assertError(MvcResult result, int status, String code, String... message) throws Exception {
        String text = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(text).isEqualTo(status);
        JsonNode node = json.readTree(text);
        assertThat(node.get("error").asString()).as(text).isEqualTo(code);
        assertThat(node.get("message").asString()).as(text).isNotBlank();
        if (message.length > 0) {
            assertThat(node.get("message").asString()).as(text).contains(message);
        }
    }

    long devicesOf(String accountId) {
        return devices.findByAccountIdOrderByNameAsc(accountId).size();
    }

    @Test
    void aManagerRegistersANewDeviceIntoTheirOnlyPoolWithTheActivationKeyAnswer() throws Exception {
        PortalUser tech = member(line, Right.MANAGE_DEVICES);

        JsonNode answer = created(register(body(tech, "pw", "Press 7", "SN-N1")));

        String deviceId = answer.get("deviceId").asString();
        assertThat(answer.get("deviceName").asString()).isEqualTo("Press 7");
        assertThat(answer.get("relayPort").isInt()).isTrue();
        assertThat(answer.get("caCertificate").asString()).startsWith("-----BEGIN CERTIFICATE-----");
        X509Certificate cert = pem(answer.get("certificate").asString());
        assertThat(cert.getSubjectX500Principal().toString()).isEqualTo("CN=" + deviceId + ", SERIALNUMBER=SN-N1");
        Device device = devices.findById(deviceId).orElseThrow();
        assertThat(device.getAccountId()).isEqualTo(admin.accountId());
        assertThat(device.getSerial()).isEqualTo("SN-N1");
        assertThat(jdbc.queryForList("select pool_id from pool_device where device_id = ?", String.class, deviceId))
                .containsExactly(line);
        assertThat(jdbc.queryForList("select detail from audit_event where action = 'device.register' and device_id = ?",
                String.class, deviceId)).singleElement().asString().startsWith("by name by " + tech.getName());
        assertThat(jdbc.queryForList("select result from audit_event where action = 'signin' and actor = ?",
                String.class, tech.getName())).contains("ok");
    }

    @Test
    void signInRefusalsCarryTheClientApiCodesAndCreateNothing() throws Exception {
        PortalUser tech = member(line, Right.MANAGE_DEVICES);
        long before = devicesOf(admin.accountId());

        assertError(register(body(tech, "wrong", "X", "SN-R1")), 401, "bad-credentials");
        Map<String, Object> unknownAccount = body(tech, "pw", "X", "SN-R1");
        unknownAccount.put("account", "no-such-account-" + System.nanoTime());
        assertError(register(unknownAccount), 401, "bad-credentials");

        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        AppUser appUser = users.findById(tech.userId()).orElseThrow();
        twoFactor.enable(appUser, base32(secret), totp(secret, 0), "test").orElseThrow();
        assertError(register(body(tech, "pw", "X", "SN-R1")), 401, "two-factor-required", "code");
        Map<String, Object> wrongCode = body(tech, "pw", "X", "SN-R1");
        wrongCode.put("code", totp(secret, 0).equals("000000") ? "111111" : "000000");
        assertError(register(wrongCode), 401, "two-factor-wrong");
        Map<String, Object> withCode = body(tech, "pw", "With code", "SN-R2");
        withCode.put("code", totp(secret, 1));
        assertThat(created(register(withCode)).get("deviceName").asString()).isEqualTo("With code");

        jdbc.update("update app_user set enabled = false where id = ?", tech.userId());
        assertError(register(body(tech, "pw", "X", "SN-R1")), 403, "signin-refused");
        assertThat(devicesOf(admin.accountId())).isEqualTo(before + 1);
    }

    @Test
    void aLockedUserIsRefusedAndRepeatedFailuresAreThrottled() throws Exception {
        PortalUser tech = member(line, Right.MANAGE_DEVICES);
        int status = 0;
        for (int i = 0; i < 30 && status != 429 && status != 403; i++) {
            status = register(body(tech, "wrong-" + i, "X", "SN-T1")).getResponse().getStatus();
        }
        assertThat(status).isIn(403, 429);
        MvcResult right = register(body(tech, "pw", "X", "SN-T1"));
        assertThat(right.getResponse().getStatus()).isIn(403, 429);
        assertThat(json.readTree(right.getResponse().getContentAsString()).get("error").asString())
                .isIn("signin-refused", "throttled");
        assertThat(devicesOf(admin.accountId())).isZero();
    }

    @Test
    void aUserWithoutManageDevicesIsRefusedWith403() throws Exception {
        PortalUser viewer = member(line, Right.VIEW_STATUS);

        assertError(register(body(viewer, "pw", "Press 8", "SN-V1")), 403, "no-right",
                "you may not add devices: ask an administrator for the 'Manage devices' right on a pool");
        assertThat(devicesOf(admin.accountId())).isZero();
    }

    @Test
    void severalManagedPoolsNeedThePoolNamed() throws Exception {
        String hall = data.pool(admin.accountId(), "Hall");
        PortalUser tech = member(line, Right.MANAGE_DEVICES);
        String group = data.group(admin.accountId(), "hall-" + System.nanoTime());
        data.member(group, tech);
        data.grant(group, hall, Right.MANAGE_DEVICES);

        assertError(register(body(tech, "pw", "Press 9", "SN-P1")), 400, "choose-pool", "\"Hall\"", "\"Line\"");
        Map<String, Object> unknownPool = body(tech, "pw", "Press 9", "SN-P1");
        unknownPool.put("pool", "Elsewhere");
        assertError(register(unknownPool), 400, "no-such-pool", "Elsewhere", "\"Hall\"");
        assertThat(devicesOf(admin.accountId())).isZero();

        Map<String, Object> named = body(tech, "pw", "Press 9", "SN-P1");
        named.put("pool", "Hall");
        String deviceId = created(register(named)).get("deviceId").asString();
        assertThat(jdbc.queryForList("select pool_id from pool_device where device_id = ?", String.class, deviceId))
                .containsExactly(hall);
    }

    @Test
    void badFieldsAreRefusedNamingTheField() throws Exception {
        PortalUser tech = member(line, Right.MANAGE_DEVICES);
        Map<String, Object> noName = body(tech, "pw", " ", "SN-B1");
        assertError(register(noName), 400, "bad-request", "deviceName");
        assertError(register(body(tech, "pw", "Press", "bad serial!")), 400, "bad-request", "serial");
        Map<String, Object> badCsr = body(tech, "pw", "Press", "SN-B1");
        badCsr.put("csr", "not a csr");
        assertError(register(badCsr), 400, "bad-csr");
        Map<String, Object> noPassword = body(tech, "pw", "Press", "SN-B1");
        noPassword.remove("password");
        assertError(register(noPassword), 400, "bad-request", "password");
        assertThat(devicesOf(admin.accountId())).isZero();
    }

    @Test
    void theSameNameTakesOverTheDeviceAndTheOldCertificateIsRevokedAndRefusedByTheRelay() throws Exception {
        PortalUser tech = member(line, Right.MANAGE_DEVICES);
        JsonNode first = created(register(body(tech, "pw", "Packer", "SN-OLD")));
        String deviceId = first.get("deviceId").asString();
        X509Certificate oldCert = pem(first.get("certificate").asString());
        DeviceAuthorizer authorizer = relayAuthorizer();
        assertThat(authorizer.authorize(oldCert).deviceId()).isEqualTo(deviceId);

        JsonNode second = created(register(body(tech, "pw", "Packer", "SN-NEW")));

        assertThat(second.get("deviceId").asString()).isEqualTo(deviceId);
        assertThat(devicesOf(admin.accountId())).isEqualTo(1);
        assertThat(devices.findById(deviceId).orElseThrow().getSerial()).isEqualTo("SN-NEW");
        DeviceCertificate old = certificateRows.findById(DeviceCertificates.serialOf(oldCert)).orElseThrow();
        assertThat(old.getRevokedAt()).isNotNull();
        assertThatThrownBy(() -> authorizer.authorize(oldCert)).isInstanceOfSatisfying(TunnelException.class,
                e -> assertThat(e.error()).isEqualTo(TunnelError.REVOKED));
        X509Certificate newCert = pem(second.get("certificate").asString());
        assertThat(authorizer.authorize(newCert).deviceId()).isEqualTo(deviceId);
        assertThat(jdbc.queryForList("select detail from audit_event where action = 'device.register' and device_id = ?"
                + " order by occurred_at", String.class, deviceId)).last().asString()
                .startsWith("by name by " + tech.getName() + ", taking over");
    }

    @Test
    void aDeviceOfThatNameTheUserMayNotManageIsAConflict() throws Exception {
        String hall = data.pool(admin.accountId(), "Hall");
        String theirs = DeviceTestData.newDevice(registry, admin.accountId(), "Robot");
        data.poolDevice(hall, theirs);
        PortalUser tech = member(line, Right.MANAGE_DEVICES);

        assertError(register(body(tech, "pw", "Robot", "SN-C1")), 409, "device-name-taken", "\"Robot\"");
        assertThat(devicesOf(admin.accountId())).isEqualTo(1);
        assertThat(devices.findById(theirs).orElseThrow().getSerial()).isNull();

        PortalUser viewer = member(hall, Right.VIEW_STATUS);
        assertError(register(body(viewer, "pw", "Robot", "SN-C1")), 403, "no-right");
    }

    @Test
    void anAdminMayTakeOverAnyDeviceOfTheAccount() throws Exception {
        String deviceId = DeviceTestData.newDevice(registry, admin.accountId(), "Lathe");
        JsonNode answer = created(register(body(admin, "admin-pw", "Lathe", "SN-A1")));
        assertThat(answer.get("deviceId").asString()).isEqualTo(deviceId);
    }

    /** The relay's authorizer, as the embedded relay builds it (package-private in the relay package). */
    private DeviceAuthorizer relayAuthorizer() throws Exception {
        Class<?> type = Class.forName("dev.gangway.portal.relay.CertificateDeviceAuthorizer");
        Constructor<?> constructor = type.getDeclaredConstructor(DeviceCertificates.class, Clock.class);
        constructor.setAccessible(true);
        return (DeviceAuthorizer) constructor.newInstance(certificates, Clock.systemUTC());
    }

    private static X509Certificate pem(String text) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String base32(byte[] secret) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : secret) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static String totp(byte[] secret, int offset) throws Exception {
        long step = Instant.now().getEpochSecond() / 30 + offset;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int at = hash[hash.length - 1] & 0x0F;
        int binary = ((hash[at] & 0x7F) << 24) | ((hash[at + 1] & 0xFF) << 16) | ((hash[at + 2] & 0xFF) << 8)
                | (hash[at + 3] & 0xFF);
        return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
    }

}
