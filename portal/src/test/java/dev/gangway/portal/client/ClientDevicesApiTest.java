package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;

/**
 * The client API's devices, certificates and tickets: what a user sees (only their devices, with status, services,
 * rights and pools), certificate requests checked and certificates issued narrowly, tickets only for devices the
 * user may forward to, online, with a valid certificate of the session, bound to it.
 */
class ClientDevicesApiTest extends ClientApiTestSupport {

    @Autowired
    TicketKeys ticketKeys;

    PortalUser admin;
    PortalUser member;
    String line;
    String press;
    String hidden;
    String address;
    String token;

    @BeforeEach
    void devicesAndAMember() throws Exception {
        RightsTestData data = new RightsTestData(jdbc);
        admin = newAdmin("Admin-password-1");
        press = DeviceTestData.newDevice(registry, admin.accountId(), "Press 7");
        hidden = DeviceTestData.newDevice(registry, admin.accountId(), "Not for the member");
        line = DeviceTestData.newDevice(registry, admin.accountId(), "Line 2 only viewed");
        String forwards = data.pool(admin.accountId(), "Presses");
        String viewing = data.pool(admin.accountId(), "Lines");
        data.pool(admin.accountId(), "Unrelated");
        data.poolDevice(forwards, press);
        data.poolDevice(viewing, line);
        data.poolDevice(viewing, press);
        member = data.userWith(admin, forwards, Right.CLIENT_FORWARD);
        String group = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                member.userId());
        data.grant(group, forwards, Right.VIEW_STATUS);
        data.grant(group, viewing, Right.VIEW_STATUS);
        DeviceTestData.online(tunnels, press);
        address = newAddress();
        token = token(member, "unused", address);
    }

    @AfterEach
    void offline() {
        DeviceTestData.offline(tunnels, press);
    }

    @Test
    void theDeviceListShowsOnlyTheUsersDevicesWithStatusServicesRightsAndPools() throws Exception {
        MvcResult result = perform(call(HttpMethod.GET, "/devices", token, null, address));
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        JsonNode devices = jsonOf(result).get("devices");
        List<String> names = new ArrayList<>();
        devices.forEach(d -> names.add(d.get("name").asString()));
        assertThat(names).containsExactly("Line 2 only viewed", "Press 7");

        JsonNode pressJson = devices.get(1);
        assertThat(pressJson.properties()).extracting(Map.Entry::getKey).containsExactly("id", "name", "online",
                "status", "pools", "services", "rights", "onDemand");
        assertThat(pressJson.get("id").asString()).isEqualTo(press);
        assertThat(pressJson.get("online").asBoolean()).isTrue();
        assertThat(pressJson.get("status").asString()).isEqualTo("online");
        assertThat(pressJson.get("onDemand").asBoolean()).isFalse();
        assertThat(texts(pressJson.get("pools"))).containsExactly("Lines", "Presses");
        assertThat(texts(pressJson.get("rights"))).containsExactly("VIEW_STATUS", "CLIENT_FORWARD");
        JsonNode hmi = pressJson.get("services").get(0);
        assertThat(hmi.get("name").asString()).isEqualTo("hmi");
        assertThat(hmi.get("kind").asString()).isEqualTo("http");
        assertThat(hmi.get("host").asString()).isEqualTo("198.19.0.2");
        assertThat(hmi.get("port").asInt()).isEqualTo(80);
        assertThat(pressJson.get("services")).hasSize(2);

        JsonNode lineJson = devices.get(0);
        assertThat(lineJson.get("status").asString()).isEqualTo("offline");
        assertThat(lineJson.get("online").asBoolean()).isFalse();
        assertThat(texts(lineJson.get("rights"))).containsExactly("VIEW_STATUS");

        MvcResult one = perform(call(HttpMethod.GET, "/devices/" + press, token, null, address));
        assertThat(one.getResponse().getStatus()).isEqualTo(200);
        assertThat(jsonOf(one)).isEqualTo(pressJson);

        String adminToken = token(admin, "Admin-password-1", address);
        JsonNode all = jsonOf(perform(call(HttpMethod.GET, "/devices", adminToken, null, address))).get("devices");
        assertThat(all).hasSize(3);
        assertThat(texts(all.get(2).get("rights"))).hasSize(Right.values().length);
    }

    @Test
    void aDeviceTheUserCannotSeeIsNoSuchDeviceWhateverTheReason() throws Exception {
        PortalUser stranger = newAdmin("Stranger-password-1");
        String foreign = DeviceTestData.newDevice(registry, stranger.accountId(), "Someone else's");
        for (String id : List.of(hidden, foreign, "no-such-id", "x".repeat(300))) {
            assertError(perform(call(HttpMethod.GET, "/devices/" + id, token, null, address)), 404,
                    "no-such-device", "there is no device");
            assertError(perform(call(HttpMethod.POST, "/devices/" + id + "/wake", token, null, address)), 404,
                    "no-such-device");
        }
        assertError(perform(call(HttpMethod.POST, "/devices/" + press + "/wake", token, null, address)), 409,
                "not-on-demand", "Press 7 is always connected");
    }

    @Test
    void aCertificateRequestGetsANarrowShortLivedClientCertificate() throws Exception {
        KeyPair key = TestCsr.ecKey("secp256r1");
        MvcResult result = perform(call(HttpMethod.POST, "/certificate", token, Map.of("csr", TestCsr.greedy(key)),
                address));
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode answer = jsonOf(result);
        assertThat(answer.properties()).extracting(Map.Entry::getKey).containsExactly("certificate", "ca",
                "expiresAt", "relay");
        X509Certificate certificate = pem(answer.get("certificate").asString());
        X509Certificate ca = pem(answer.get("ca").asString());
        certificate.verify(ca.getPublicKey());
        assertThat(certificate.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
                .isEqualTo("CN=" + member.userId() + ",O=" + member.accountId());
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getSubjectAlternativeNames()).isNull();
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        Instant notAfter = certificate.getNotAfter().toInstant();
        assertThat(notAfter).isBetween(Instant.now().plusSeconds(3600 - 120), Instant.now().plusSeconds(3600));
        assertThat(Instant.parse(answer.get("expiresAt").asString())).isEqualTo(notAfter);
        assertThat(answer.get("relay").get("host").asString()).isEqualTo("localhost");
        assertThat(answer.get("relay").get("port").asInt()).isPositive();
        assertThat(count("select count(*) from client_certificate where fingerprint = ?",
                Tickets.fingerprint(certificate))).isOne();
        assertThat(count("select count(*) from audit_event where account_id = ? and action ="
                + " 'client.certificate.issue'", member.accountId())).isOne();

        // never beyond the session's end
        jdbc.update("update client_session set expires_at = ? where user_id = ?",
                java.sql.Timestamp.from(Instant.now().plusSeconds(600)), member.userId());
        ClientKey shorter = certificate(token, address);
        assertThat(shorter.certificate().getNotAfter().toInstant()).isBefore(Instant.now().plusSeconds(601));
    }

    @Test
    void badCertificateRequestsAreRefusedAndIssueNothing() throws Exception {
        KeyPair key = TestCsr.ecKey("secp256r1");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("", "csr is missing");
        cases.put("hello", "not a PEM certificate signing request");
        cases.put(TestCsr.plain(TestCsr.ecKey("secp384r1")), "another curve than P-256");
        cases.put(TestCsr.plain(TestCsr.rsaKey(2048)), "RSA");
        cases.put(TestCsr.mismatched(key, TestCsr.ecKey("secp256r1")), "signature does not match");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertError(perform(call(HttpMethod.POST, "/certificate", token, Map.of("csr", c.getKey()), address)),
                    400, "bad-csr", c.getValue());
        }
        assertError(perform(call(HttpMethod.POST, "/certificate", token, "{}", address)), 400, "bad-csr",
                "csr is missing");
        assertError(perform(call(HttpMethod.POST, "/certificate", token, "{\"csr\":5}", address)), 400,
                "bad-request", "\"csr\" must be a JSON string");
        assertThat(count("select count(*) from client_certificate c join client_session s on s.id = c.session_id"
                + " where s.user_id = ?", member.userId())).isZero();
    }

    @Test
    void aSessionHoldsAtMostTwentyValidCertificates() throws Exception {
        for (int i = 0; i < ClientCertificates.MAX_VALID_PER_SESSION; i++) {
            certificate(token, address);
        }
        MvcResult refused = perform(call(HttpMethod.POST, "/certificate", token,
                Map.of("csr", TestCsr.plain(TestCsr.ecKey("secp256r1"))), address));
        assertError(refused, 429, "too-many-certificates", "holds 20 certificates that are still valid",
                "sign in again");
        assertThat(count("select count(*) from client_certificate c join client_session s on s.id = c.session_id"
                + " where s.user_id = ?", member.userId())).isEqualTo(ClientCertificates.MAX_VALID_PER_SESSION);
        assertThat(certificate(token(member, "unused", address), address).certificate())
                .as("another session has certificates of its own").isNotNull();
    }

    @Test
    void aTicketIsBoundToTheCertificateForOneTargetOfADeviceTheUserMayForwardTo() throws Exception {
        ClientKey client = certificate(token, address);
        MvcResult result = perform(call(HttpMethod.POST, "/tickets", token,
                ticketBody(press, "198.19.0.2", 80, client.fingerprint()), address));
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode answer = jsonOf(result);
        assertThat(answer.properties()).extracting(Map.Entry::getKey).containsExactly("ticket", "expiresAt",
                "relay");
        StreamTicket ticket = Tickets.verify(answer.get("ticket").asString(), ticketKeys.publicKey(),
                Clock.systemUTC());
        assertThat(ticket.account()).isEqualTo(member.accountId());
        assertThat(ticket.user()).isEqualTo(member.username());
        assertThat(ticket.deviceId()).isEqualTo(press);
        assertThat(ticket.target()).isEqualTo(new LanTarget("198.19.0.2", 80));
        assertThat(ticket.holder()).isEqualTo(client.fingerprint());
        assertThat(ticket.expiresAt()).isEqualTo(Instant.parse(answer.get("expiresAt").asString()))
                .isBetween(Instant.now().plusSeconds(55), Instant.now().plusSeconds(60));
        assertThat(answer.get("relay").get("port").asInt()).isEqualTo(client.relayPort());
    }

    @Test
    void ticketsAreRefusedWithTheContractsCodes() throws Exception {
        ClientKey client = certificate(token, address);
        PortalUser stranger = newAdmin("Stranger-password-2");
        String foreign = DeviceTestData.newDevice(registry, stranger.accountId(), "Someone else's press");
        DeviceTestData.online(tunnels, foreign);
        try {
            for (String id : List.of(foreign, hidden, "no-such-id")) {
                assertError(perform(call(HttpMethod.POST, "/tickets", token,
                        ticketBody(id, "198.19.0.2", 80, client.fingerprint()), address)), 404, "no-such-device");
            }
        } finally {
            DeviceTestData.offline(tunnels, foreign);
        }
        assertError(perform(call(HttpMethod.POST, "/tickets", token,
                ticketBody(line, "198.19.0.2", 80, client.fingerprint()), address)), 403, "no-right",
                "you may not open client port forwards to Line 2 only viewed: ask an administrator of the account"
                        + " for the 'Client port forwards' right");

        Map<Object[], String> badTargets = new LinkedHashMap<>();
        badTargets.put(new Object[] {"", 80}, "host must be");
        badTargets.put(new Object[] {null, 80}, "host must be");
        badTargets.put(new Object[] {"h".repeat(254), 80}, "1 to 253 characters");
        badTargets.put(new Object[] {"bad host", 80}, "spaces");
        badTargets.put(new Object[] {"198.19.0.2", 0}, "port must be a whole number from 1 to 65535");
        badTargets.put(new Object[] {"198.19.0.2", 65536}, "port must be");
        badTargets.put(new Object[] {"198.19.0.2", "80"}, "port must be");
        badTargets.put(new Object[] {"198.19.0.2", null}, "port must be");
        badTargets.put(new Object[] {"198.19.0.2", 80.5}, "port must be");
        for (Map.Entry<Object[], String> bad : badTargets.entrySet()) {
            assertError(perform(call(HttpMethod.POST, "/tickets", token, ticketBody(press, (String) bad.getKey()[0],
                    bad.getKey()[1], client.fingerprint()), address)), 400, "bad-target", bad.getValue());
        }

        String other = Tickets.fingerprint(certificate(token(admin, "Admin-password-1", address), address)
                .certificate());
        for (String fingerprint : List.of("0".repeat(64), "nonsense", other)) {
            assertError(perform(call(HttpMethod.POST, "/tickets", token,
                    ticketBody(press, "198.19.0.2", 80, fingerprint), address)), 409, "no-certificate",
                    "not issued to this session or is no longer valid");
        }
        jdbc.update("update client_certificate set not_after = ? where fingerprint = ?",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)), client.fingerprint());
        assertError(perform(call(HttpMethod.POST, "/tickets", token,
                ticketBody(press, "198.19.0.2", 80, client.fingerprint()), address)), 409, "no-certificate");

        ClientKey fresh = certificate(token, address);
        DeviceTestData.offline(tunnels, press);
        assertError(perform(call(HttpMethod.POST, "/tickets", token,
                ticketBody(press, "198.19.0.2", 80, fresh.fingerprint()), address)), 409, "device-offline",
                "Press 7 is offline");
        DeviceTestData.online(tunnels, press);

        assertError(perform(call(HttpMethod.POST, "/tickets", token, "{\"host\":\"h\",\"port\":1,"
                + "\"certificate\":\"c\"}", address)), 400, "bad-request", "\"deviceId\" is missing");
        assertError(perform(call(HttpMethod.POST, "/tickets", token, "{\"deviceId\":\"d\",\"host\":\"h\","
                + "\"port\":1}", address)), 400, "bad-request", "\"certificate\" is missing");
        assertError(perform(call(HttpMethod.POST, "/tickets", null,
                ticketBody(press, "198.19.0.2", 80, fresh.fingerprint()), address)), 401, "session-ended");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}
