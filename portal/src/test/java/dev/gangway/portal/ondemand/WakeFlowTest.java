package dev.gangway.portal.ondemand;

import static dev.gangway.portal.TestData.signedIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.sun.net.httpserver.HttpServer;
import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.device.DeviceWakes;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.CertificateRequest;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.Pem;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.portal.relay.TunnelDisconnector;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.TunnelError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The portal's side of on-demand devices, with the generic HTTP SMS provider pointing at a loopback server of the
 * test: the device setting (phone number checked, audited), "asleep (on demand)" on the list and the page, Connect
 * sending the CA-signed wake-up SMS once (not again while it is in progress), the agent's signed "dialling" report,
 * online, the tunnel ending by idle timeout or Send offline (reported and audited with why), the estimate, every
 * failure in words, and who may do it.
 *
 * <p>The relay's tunnels are stood in for by {@link DeviceTunnels} events (as {@code DeviceTestData} does) and its
 * {@link TunnelDisconnector} by one that records the call and reports the tunnel down like the relay would; the real
 * relay is exercised by {@code e2e.OnDemandE2eIT}.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(WakeFlowTest.RecordingRelay.class)
class WakeFlowTest extends PortalTestSupport {

    static final SmsProvider SMS = SmsProvider.start();
    private static final Pattern WAKE_TEXT = Pattern.compile("GANGWAY WAKE (\\d+) ([A-Za-z0-9_-]+)");

    @DynamicPropertySource
    static void smsProvider(DynamicPropertyRegistry registry) {
        registry.add("gangway.sms.http.url", SMS::url);
        registry.add("gangway.sms.http.content-type", () -> "application/x-www-form-urlencoded");
        registry.add("gangway.sms.http.body-template", () -> "to={to}&text={text}");
    }

    /** Records Send offline and reports the tunnel down as the relay would. */
    @TestConfiguration
    static class RecordingRelay {
        static final List<String> DISCONNECTED = new CopyOnWriteArrayList<>();

        @Bean
        @Primary
        TunnelDisconnector recordingDisconnector(DeviceTunnels tunnels) {
            return (deviceId, reason) -> {
                DISCONNECTED.add(deviceId + " " + reason.name());
                tunnels.tunnelDown(deviceId, "cert-" + deviceId, "disconnected: " + reason.description());
                return true;
            };
        }
    }

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
    CertificateAuthority authority;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    Wakes wakes;
    @Autowired
    TransactionTemplate transactions;

    PortalUser admin;

    /** A device with its certificate and key, as if registered. */
    record Registered(String deviceId, PrivateKey key, X509Certificate certificate) {
    }

    @BeforeEach
    void account() {
        admin = TestData.newUser(accounts, users, encoder, "pw");
        SMS.status = 200;
    }

    @Test
    void connectSendsTheSignedSmsOnceThenDiallingThenOnlineAndTheIdleTimeoutIsReported() throws Exception {
        Registered device = register("Pump station 3");
        String id = device.deviceId();
        assertThat(page("/devices/" + id)).contains("id=\"connection-mode\">always connected<")
                .doesNotContain("id=\"on-demand\"");

        mvc.perform(post("/devices/" + id + "/on-demand").with(csrf()).with(signedIn(admin))
                        .param("onDemand", "true").param("phoneNumber", "+49 170 1234567"))
                .andExpect(redirectedUrl("/devices/" + id))
                .andExpect(flash().attribute("message", "Saved: the device connects on demand, woken by an SMS."));
        assertThat(audit(id, "device.on-demand")).containsExactly(
                "ok on demand (woken by SMS), phone number +491701234567");
        assertThat(page("/devices")).contains("<td class=\"status\" data-status=\"asleep\" data-live-device=\"" + id
                + "\">asleep (on demand)</td>", "class=\"tag on-demand\"");
        assertThat(page("/devices/" + id)).contains(">asleep (on demand)</span>", "id=\"wake-device\"",
                "Usually online about 60 s (no wake-up of this device measured yet) after Connect.",
                "on demand, woken by SMS to +491701234567", "id=\"no-wakes\"");

        connect(id);
        SmsProvider.Sent sms = await().atMost(Duration.ofSeconds(30)).until(() -> SMS.to("+491701234567"),
                list -> !list.isEmpty()).get(0);
        Matcher text = WAKE_TEXT.matcher(sms.text());
        assertThat(text.matches()).as(sms.text()).isTrue();
        long wakeTime = Long.parseLong(text.group(1));
        assertThat(wakeTime).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(authority.certificate().getPublicKey());
        verifier.update(("gangway-wake-v1\n" + id + " " + wakeTime).getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(text.group(2)))).as("signed by the portal's CA")
                .isTrue();
        JsonNode progress = awaitState(id, "sms-sent");
        assertThat(progress.get("status").stringValue()).isEqualTo("asleep");
        assertThat(progress.get("wake").get("estimateSeconds").longValue()).isEqualTo(60);
        assertThat(progress.get("wake").get("message").stringValue())
                .isEqualTo("Wake-up SMS sent: waiting for the device to dial in.");

        // a second Connect while it is in progress sends nothing more
        connect(id);
        assertThat(jdbc.queryForObject("select count(*) from device_wake where device_id = ?", Integer.class, id))
                .isEqualTo(1);

        // the agent reports it is dialling in, signed with its key; again is fine, another time or signer is not
        dialling(device, wakeTime).andExpect(status().isNoContent());
        assertThat(awaitState(id, "dialling").get("wake").get("diallingAt").isString()).isTrue();
        dialling(device, wakeTime).andExpect(status().isNoContent());
        dialling(device, wakeTime - 1).andExpect(status().isNotFound());
        Registered other = register("Neighbour");
        Map<String, Object> foreign = report(other, wakeTime);
        foreign.put("deviceId", id);
        byte[] foreignBody = json.writeValueAsBytes(foreign);
        send(foreignBody, sign(foreignBody, other.key())).andExpect(status().isForbidden());
        send(foreignBody, null).andExpect(status().isUnauthorized());

        DeviceTestData.online(tunnels, id);
        progress = awaitState(id, "online");
        assertThat(progress.get("status").stringValue()).isEqualTo("online");
        assertThat(progress.get("wake").get("inProgress").booleanValue()).isFalse();
        assertThat(page("/devices/" + id)).contains("Online: its services can be opened.", "still online");

        // the agent hangs up after its idle time: the report and the audit log say so
        tunnels.tunnelDown(id, "cert-" + id, "on-demand tunnel idle; hung up");
        progress = progress(id);
        assertThat(progress.get("status").stringValue()).isEqualTo("asleep");
        assertThat(progress.get("wake").get("endReason").stringValue()).isEqualTo("on-demand tunnel idle; hung up");
        assertThat(audit(id, "device.hang-up")).containsExactly("ok tunnel down: on-demand tunnel idle; hung up");
        assertThat(audit(id, "device.wake")).singleElement().asString()
                .startsWith("ok wake-up SMS for Pump station 3, asked by " + admin.getName() + " (web), to"
                        + " +491701234567: ");
        assertThat(page("/devices/" + id)).contains(">asleep (on demand)</span>", "online after ",
                ": on-demand tunnel idle; hung up</td>")
                .containsPattern("Usually online about \\d+ s \\(as the last wake-up took\\) after Connect.");
        assertThat(wakes.estimate(id).measured()).isEqualTo(1);

        // opening its HMI while it sleeps says what to do
        mvc.perform(post("/devices/" + id + "/services/hmi/open").with(csrf()).with(signedIn(admin)))
                .andExpect(flash().attribute("openError", "Pump station 3 is asleep (on demand): press Connect to"
                        + " wake it, then open its HMI once it is online."));
    }

    @Test
    void sendOfflineClosesTheTunnelAtOnceAndSaysWho() throws Exception {
        String id = onDemandDevice("Lift 2", "+41 44 668 18 00");
        connect(id);
        awaitState(id, "sms-sent");
        DeviceTestData.online(tunnels, id);
        awaitState(id, "online");

        mvc.perform(post("/devices/" + id + "/offline").with(csrf()).with(signedIn(admin)))
                .andExpect(redirectedUrl("/devices/" + id))
                .andExpect(flash().attribute("message", "Sent offline: its tunnel is closed, and it stays asleep"
                        + " until the next Connect."));
        assertThat(RecordingRelay.DISCONNECTED).contains(id + " SENT_OFFLINE");
        assertThat(audit(id, "device.offline")).containsExactly("ok sent offline by " + admin.getName() + " (web)");
        assertThat(audit(id, "device.hang-up")).containsExactly("ok tunnel down: disconnected: sent offline by the"
                + " portal");
        JsonNode progress = progress(id);
        assertThat(progress.get("status").stringValue()).isEqualTo("asleep");
        assertThat(progress.get("wake").get("endReason").stringValue()).isEqualTo("sent offline by "
                + admin.getName() + " (web)");

        // not online any more: nothing to send offline; an always-connected device is neither woken nor sent off
        mvc.perform(post("/devices/" + id + "/offline").with(csrf()).with(signedIn(admin)))
                .andExpect(flash().attribute("wakeError", "Lift 2 is not online: there is no tunnel to close."));
        String always = DeviceTestData.newDevice(registry, admin.accountId(), "Always on");
        DeviceTestData.online(tunnels, always);
        try {
            for (String action : List.of("wake", "offline")) {
                mvc.perform(post("/devices/" + always + "/" + action).with(csrf()).with(signedIn(admin)))
                        .andExpect(flash().attribute("wakeError", "Always on is always connected, not on demand:"
                                + " there is nothing to wake or send offline"));
            }
            assertThat(RecordingRelay.DISCONNECTED).doesNotContain(always + " SENT_OFFLINE");
        } finally {
            DeviceTestData.offline(tunnels, always);
        }
    }

    @Test
    void whatGoesWrongIsSaidInWordsAndConnectWorksAgainAfterwards() throws Exception {
        // no phone number: refused, audited, nothing recorded
        String silent = onDemandDevice("Silent", "");
        mvc.perform(post("/devices/" + silent + "/wake").with(csrf()).with(signedIn(admin)))
                .andExpect(flash().attribute("wakeError", "Silent has no phone number, so it cannot be woken: a"
                        + " device administrator enters the phone number of its SIM on the device page (Connection),"
                        + " then Connect sends the wake-up SMS."));
        assertThat(audit(silent, "device.wake")).containsExactly("refused no phone number set (web)");
        assertThat(jdbc.queryForObject("select count(*) from device_wake where device_id = ?", Integer.class,
                silent)).isZero();

        // a phone number that is none: the page says how to write it and nothing changes
        String page = mvc.perform(post("/devices/" + silent + "/on-demand").with(csrf()).with(signedIn(admin))
                        .param("onDemand", "true").param("phoneNumber", "0170 <b>12</b>"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"device-phone-number-error\"", "The device&#39;s phone number (of its SIM):"
                + " The phone number needs its country code", "0170 &lt;b&gt;12&lt;/b&gt;");
        assertThat(jdbc.queryForObject("select phone_number from device where id = ?", String.class, silent))
                .isNull();

        // the key switch is off on site: a wake-up cannot change that
        String keyed = onDemandDevice("Keyed", "+49 170 7654321");
        jdbc.update("update device set site_access_disabled = true where id = ?", keyed);
        mvc.perform(post("/devices/" + keyed + "/wake").with(csrf()).with(signedIn(admin)))
                .andExpect(flash().attribute("wakeError", "Keyed: remote access disabled on site. A wake-up cannot"
                        + " change that: someone at the machine must turn the key switch on."));

        // the gateway refuses the SMS
        String refused = onDemandDevice("Refused", "+49 170 1112223");
        SMS.status = 503;
        connect(refused);
        JsonNode failed = awaitState(refused, "failed");
        assertThat(failed.get("wake").get("failure").stringValue()).isEqualTo("sms-refused");
        assertThat(failed.get("wake").get("message").stringValue()).startsWith("The wake-up SMS was not sent (")
                .endsWith("Check the device's phone number and the portal's SMS gateway settings, then press Connect"
                        + " again.");
        assertThat(audit(refused, "device.wake")).singleElement().asString().startsWith("failed wake-up SMS for"
                + " Refused");

        // not again at once (an SMS costs money); once the refused one is older than gangway.on-demand.min-between-wakes
        mvc.perform(post("/devices/" + refused + "/wake").with(csrf()).with(signedIn(admin)))
                .andExpect(flash().attribute("wakeError", "Refused was woken less than 30 seconds ago: wait a moment"
                        + " before sending another wake-up SMS."));
        jdbc.update("update device_wake set requested_at = ? where device_id = ?",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(1))), refused);

        // no answer within the answer timeout (the request made to look 10 minutes old)
        SMS.status = 200;
        connect(refused);
        awaitState(refused, "sms-sent");
        jdbc.update("update device_wake set requested_at = ? where device_id = ? and state = 'sms-sent'",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(10))), refused);
        wakes.sweep();
        JsonNode noAnswer = progress(refused).get("wake");
        assertThat(noAnswer.get("state").stringValue()).isEqualTo("failed");
        assertThat(noAnswer.get("failure").stringValue()).isEqualTo("no-answer");
        assertThat(noAnswer.get("message").stringValue()).startsWith("No answer after 5 minutes: the device did not"
                + " come online.");
        assertThat(audit(refused, "device.wake")).last().asString().startsWith("failed no answer: not online within"
                + " 5 minutes of the request by " + admin.getName());
        assertThat(page("/devices/" + refused)).contains("failed: no answer", "failed: the wake-up SMS was not sent");

        // and Connect works again, with a later wake time
        int before = SMS.to("+491701112223").size();
        connect(refused);
        awaitState(refused, "sms-sent");
        List<SmsProvider.Sent> sent = SMS.to("+491701112223");
        assertThat(sent).hasSize(before + 1);
        assertThat(jdbc.queryForList("select wake_time from device_wake where device_id = ? order by wake_time",
                Long.class, refused)).hasSize(3).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void whoMayConnectAndWhoMaySetItUp() throws Exception {
        String id = onDemandDevice("Guarded", "+49 170 5556667");
        RightsTestData data = new RightsTestData(jdbc);
        String pool = data.pool(admin.accountId(), "pool-" + UUID.randomUUID());
        data.poolDevice(pool, id);
        PortalUser viewer = data.userWith(admin, pool, Right.VIEW_STATUS);
        PortalUser operator = data.userWith(admin, pool, Right.OPEN_WEB_HMI);
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");

        assertThat(mvc.perform(get("/devices/" + id).with(signedIn(viewer))).andReturn().getResponse()
                .getContentAsString()).contains("id=\"no-connect-right\"").doesNotContain("id=\"wake-device\"",
                "id=\"on-demand-form\"");
        mvc.perform(post("/devices/" + id + "/wake").with(csrf()).with(signedIn(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/devices/" + id + "/offline").with(csrf()).with(signedIn(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/devices/" + id + "/on-demand").with(csrf()).with(signedIn(operator))
                .param("phoneNumber", "+49 170 0000000")).andExpect(status().isForbidden());
        for (String path : List.of("/wake", "/offline", "/on-demand")) {
            mvc.perform(post("/devices/" + id + path).with(csrf()).with(signedIn(stranger)))
                    .andExpect(status().isNotFound());
        }
        mvc.perform(get("/devices/" + id + "/wake").with(signedIn(stranger))).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select count(*) from device_wake where device_id = ?", Integer.class, id))
                .isZero();

        mvc.perform(post("/devices/" + id + "/wake").with(csrf()).with(signedIn(operator)))
                .andExpect(redirectedUrl("/devices/" + id));
        assertThat(awaitState(id, "sms-sent").get("wake").get("requestedBy").stringValue())
                .isEqualTo(operator.getName());
        assertThat(jdbc.queryForObject("select phone_number from device where id = ?", String.class, id))
                .isEqualTo("+491705556667");
    }

    @Test
    void theEstimateIsTheMedianOfTheLastWakeUps() {
        String id = onDemandDevice("Measured", "+49 170 3334445");
        assertThat(wakes.estimate(id)).isEqualTo(new DeviceWakes.Estimate(60, 0));
        Instant start = Instant.now().minus(Duration.ofHours(1));
        int[] seconds = {40, 10, 30};
        for (int i = 0; i < seconds.length; i++) {
            insertOnlineWake(id, start.plusSeconds(i * 100L), seconds[i]);
        }
        assertThat(wakes.estimate(id)).isEqualTo(new DeviceWakes.Estimate(30, 3));
        insertOnlineWake(id, start.plusSeconds(400), 20);
        assertThat(wakes.estimate(id)).isEqualTo(new DeviceWakes.Estimate(25, 4));
        assertThat(wakes.estimate(id).words()).isEqualTo("about 25 s (median of the last 4 wake-ups)");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void insertOnlineWake(String deviceId, Instant requested, int seconds) {
        jdbc.update("insert into device_wake (id, account_id, device_id, requested_by, requested_via, requested_at,"
                + " wake_time, state, sms_sent_at, online_at) values (?, ?, ?, 'test', 'web', ?, ?, 'online', ?, ?)",
                UUID.randomUUID().toString(), admin.accountId(), deviceId, Timestamp.from(requested),
                requested.getEpochSecond(), Timestamp.from(requested.plusSeconds(1)),
                Timestamp.from(requested.plusSeconds(seconds)));
    }

    private String onDemandDevice(String name, String phone) {
        String id = DeviceTestData.newDevice(registry, admin.accountId(), name);
        try {
            mvc.perform(post("/devices/" + id + "/on-demand").with(csrf()).with(signedIn(admin))
                    .param("onDemand", "true").param("phoneNumber", phone)).andExpect(redirectedUrl("/devices/" + id));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private void connect(String deviceId) throws Exception {
        mvc.perform(post("/devices/" + deviceId + "/wake").with(csrf()).with(signedIn(admin)))
                .andExpect(redirectedUrl("/devices/" + deviceId)).andExpect(flash().attributeCount(0));
    }

    private JsonNode progress(String deviceId) throws Exception {
        return json.readTree(mvc.perform(get("/devices/" + deviceId + "/wake").with(signedIn(admin)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    private JsonNode awaitState(String deviceId, String state) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> progress(deviceId),
                p -> p.get("wake").isObject() && state.equals(p.get("wake").get("state").stringValue()));
    }

    private Registered register(String name) throws Exception {
        String id = DeviceTestData.newDevice(registry, admin.accountId(), name);
        KeyPair keys = TestCsr.ecKey("secp256r1");
        X509Certificate certificate = transactions.execute(status -> certificates.issue(CertificateRequest.parse(
                TestCsr.plain(keys)), admin.accountId(), id, "SN-" + id.substring(0, 8)));
        return new Registered(id, keys.getPrivate(), certificate);
    }

    private Map<String, Object> report(Registered device, long wakeTime) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", device.deviceId());
        body.put("wake", wakeTime);
        body.put("state", "dialling");
        body.put("at", Instant.now().toString());
        body.put("certificate", Pem.certificate(device.certificate()));
        return body;
    }

    private ResultActions dialling(Registered device, long wakeTime) throws Exception {
        byte[] body = json.writeValueAsBytes(report(device, wakeTime));
        return send(body, sign(body, device.key()));
    }

    private ResultActions send(byte[] body, String signature) throws Exception {
        var request = post("/api/agent/v1/wake-progress").contentType(MediaType.APPLICATION_JSON).content(body);
        if (signature != null) {
            request.header("Gangway-Signature", signature);
        }
        return mvc.perform(request);
    }

    private static String sign(byte[] body, PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private List<String> audit(String deviceId, String action) {
        return jdbc.queryForList("select result || ' ' || detail from audit_event where device_id = ? and action = ?"
                + " order by occurred_at", String.class, deviceId, action);
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(signedIn(admin))).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    /** The SMS provider: a loopback HTTP server that takes form posts ({@code to}, {@code text}). */
    static final class SmsProvider {
        record Sent(String to, String text) {
        }

        private final HttpServer server;
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile int status = 200;

        private SmsProvider(HttpServer server) {
            this.server = server;
        }

        static SmsProvider start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                SmsProvider provider = new SmsProvider(server);
                server.createContext("/sms", exchange -> {
                    Map<String, String> form = new HashMap<>();
                    for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                            .split("&")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                        }
                    }
                    provider.sent.add(new Sent(form.get("to"), form.get("text")));
                    byte[] answer = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(provider.status, answer.length);
                    exchange.getResponseBody().write(answer);
                    exchange.close();
                });
                server.start();
                return provider;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
        }

        List<Sent> to(String number) {
            return sent.stream().filter(s -> number.equals(s.to())).toList();
        }
    }
}
