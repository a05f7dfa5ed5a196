package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.TwoFactor;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.pki.TestCsr;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client API's tests: the portal's shared test context, calls with JSON bodies and bearer tokens, each test
 * from client addresses of its own (so the sign-in throttle of one test never meets another's).
 */
@SpringBootTest
@AutoConfigureMockMvc
abstract class ClientApiTestSupport extends PortalTestSupport {

    static final String API = "/api/client/v1";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    TwoFactor twoFactor;

    /** A client address no other test uses (a documentation range: MockMvc only, no traffic). */
    static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "203.0." + (n / 250) + "." + (n % 250 + 1);
    }

    static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    /** A new account whose administrator has this password. */
    PortalUser newAdmin(String password) {
        return TestData.newUser(accounts, users, encoder, password);
    }

    AppUser user(PortalUser user) {
        return users.findById(user.userId()).orElseThrow();
    }

    /** Enrols an authenticator app for the user; returns the app and the recovery codes. */
    Enrolled enrolTotp(PortalUser user) {
        TestTotp app = TestTotp.random();
        List<String> codes = twoFactor.enable(user(user), app.base32(), app.code(0), user.getName()).orElseThrow();
        return new Enrolled(app, codes);
    }

    record Enrolled(TestTotp app, List<String> recoveryCodes) {
    }

    /** An API call with a JSON body (a map, or raw text) and, when given, a bearer token. */
    MockHttpServletRequestBuilder call(HttpMethod method, String path, String token, Object body, String address) {
        MockHttpServletRequestBuilder request = request(method, API + path).with(from(address));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON)
                    .content(body instanceof String text ? text : json.writeValueAsString(body));
        }
        return request;
    }

    MvcResult perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn();
    }

    JsonNode jsonOf(MvcResult result) throws Exception {
        return json.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    /** Signs in; returns the answer. */
    MvcResult signIn(String account, String user, String password, String code, String address) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", account);
        body.put("user", user);
        body.put("password", password);
        if (code != null) {
            body.put("code", code);
        }
        return perform(call(HttpMethod.POST, "/sessions", null, body, address));
    }

    /** Signs in and returns the session's token (fails the test when refused). */
    String token(PortalUser user, String password, String address) throws Exception {
        MvcResult result = signIn(user.accountName(), user.username(), password, null, address);
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return jsonOf(result).get("token").asString();
    }

    /** Asserts an error answer: status, code, and that the message contains each text. */
    void assertError(MvcResult result, int status, String code, String... message) throws Exception {
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).startsWith("application/json");
        JsonNode node = json.readTree(body);
        assertThat(node.get("error").asString()).as(body).isEqualTo(code);
        assertThat(node.get("message").asString()).as(body).isNotBlank();
        if (message.length > 0) {
            assertThat(node.get("message").asString()).as(body).contains(message);
        }
        assertThat(node.properties()).hasSize(2);
    }

    /** A client key and the certificate the portal issued for it. */
    record ClientKey(KeyPair key, X509Certificate certificate, X509Certificate ca, String fingerprint,
            String relayHost, int relayPort) {
    }

    ClientKey certificate(String token, String address) throws Exception {
        KeyPair key = TestCsr.ecKey("secp256r1");
        MvcResult result = perform(call(HttpMethod.POST, "/certificate", token, Map.of("csr", TestCsr.plain(key)),
                address));
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        JsonNode answer = jsonOf(result);
        X509Certificate certificate = pem(answer.get("certificate").asString());
        return new ClientKey(key, certificate, pem(answer.get("ca").asString()),
                dev.gangway.tunnel.Tickets.fingerprint(certificate), answer.get("relay").get("host").asString(),
                answer.get("relay").get("port").asInt());
    }

    static X509Certificate pem(String text) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    static Map<String, Object> ticketBody(String deviceId, String host, Object port, String fingerprint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("host", host);
        body.put("port", port);
        body.put("certificate", fingerprint);
        return body;
    }

    int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }
}
