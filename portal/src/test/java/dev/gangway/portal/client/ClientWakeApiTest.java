package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;

/**
 * The client API's on-demand routes: {@code POST /devices/{id}/wake} (202 with the wake-up and its estimate, 200
 * when online already, 409 {@code not-on-demand} for an always-connected device, 409 {@code no-phone-number}),
 * {@code GET /devices/{id}/wake} (its progress; here the test context's SMS gateway is log-only, so it fails in
 * words), {@code POST /devices/{id}/offline} (202; 409 {@code not-online}), and the rights: "View status" alone
 * may not wake (403 {@code no-right}); only device managers and the user who woke the device may send it offline.
 */
class ClientWakeApiTest extends ClientApiTestSupport {

    PortalUser admin;
    String address;
    String token;
    String onDemand;
    String always;

    @BeforeEach
    void devices() throws Exception {
        admin = newAdmin("Wake-password-1");
        address = newAddress();
        token = token(admin, "Wake-password-1", address);
        onDemand = DeviceTestData.newDevice(registry, admin.accountId(), "Pump station");
        jdbc.update("update device set on_demand = true, phone_number = '+491701234567' where id = ?", onDemand);
        always = DeviceTestData.newDevice(registry, admin.accountId(), "Press");
    }

    @AfterEach
    void offline() {
        DeviceTestData.offline(tunnels, onDemand);
    }

    @Test
    void wakeAnswers202WithTheEstimateAndTheProgressSaysWhatBecameOfIt() throws Exception {
        JsonNode device = jsonOf(perform(call(HttpMethod.GET, "/devices/" + onDemand, token, null, address)));
        assertThat(device.get("onDemand").asBoolean()).isTrue();
        assertThat(device.get("status").asString()).isEqualTo("asleep");

        MvcResult woken = perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", token, null, address));
        assertThat(woken.getResponse().getStatus()).as(woken.getResponse().getContentAsString()).isEqualTo(202);
        JsonNode wake = jsonOf(woken);
        assertThat(wake.get("state").asString()).isEqualTo("sending");
        assertThat(wake.get("inProgress").asBoolean()).isTrue();
        assertThat(wake.get("estimateSeconds").asLong()).isEqualTo(60);
        assertThat(wake.has("requestedAt")).isTrue();

        // this context's SMS gateway only logs: the wake-up fails, in words
        JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(() -> jsonOf(perform(call(HttpMethod.GET,
                "/devices/" + onDemand + "/wake", token, null, address))), p -> !p.get("inProgress").asBoolean());
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        assertThat(failed.get("failure").asString()).isEqualTo("sms-refused");
        assertThat(failed.get("message").asString()).contains("not sent: no SMS gateway is configured");
        assertThat(count("select count(*) from audit_event where device_id = ? and action = 'device.wake'"
                + " and result = 'failed'", onDemand)).isEqualTo(1);

        // a failed wake-up is not re-sent at once: an SMS costs money
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", token, null, address)), 429,
                "too-soon", "Pump station was woken less than 30 seconds ago");
        assertThat(count("select count(*) from device_wake where device_id = ?", onDemand)).isEqualTo(1);

        // online already: 200, nothing sent; then sent offline: 202; not online any more: 409
        DeviceTestData.online(tunnels, onDemand);
        MvcResult online = perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", token, null, address));
        assertThat(online.getResponse().getStatus()).isEqualTo(200);
        assertThat(count("select count(*) from device_wake where device_id = ?", onDemand)).isEqualTo(1);
        MvcResult sent = perform(call(HttpMethod.POST, "/devices/" + onDemand + "/offline", token, null, address));
        assertThat(sent.getResponse().getStatus()).as(sent.getResponse().getContentAsString()).isEqualTo(202);
        assertThat(jsonOf(sent).get("state").asString()).isEqualTo("sent-offline");
        assertThat(jdbc.queryForList("select detail from audit_event where device_id = ? and action ="
                + " 'device.offline'", String.class, onDemand)).containsExactly("sent offline by " + admin.getName()
                        + " (client)");
        DeviceTestData.offline(tunnels, onDemand);
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/offline", token, null, address)), 409,
                "not-online", "Pump station is not online");
    }

    @Test
    void refusalsHaveTheirCodes() throws Exception {
        assertError(perform(call(HttpMethod.POST, "/devices/" + always + "/wake", token, null, address)), 409,
                "not-on-demand", "Press is always connected");
        assertError(perform(call(HttpMethod.POST, "/devices/" + always + "/offline", token, null, address)), 409,
                "not-on-demand");
        assertError(perform(call(HttpMethod.GET, "/devices/" + onDemand + "/wake", token, null, address)), 404,
                "no-wake", "not woken yet");
        jdbc.update("update device set phone_number = null where id = ?", onDemand);
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", token, null, address)), 409,
                "no-phone-number", "Pump station has no phone number");
        jdbc.update("update device set phone_number = '+491701234567', site_access_disabled = true where id = ?",
                onDemand);
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", token, null, address)), 409,
                "site-disabled", "remote access disabled on site");

        RightsTestData data = new RightsTestData(jdbc);
        String pool = data.pool(admin.accountId(), "pool-" + UUID.randomUUID());
        data.poolDevice(pool, onDemand);
        PortalUser viewer = data.userWith(admin, pool, Right.VIEW_STATUS);
        jdbc.update("update app_user set password_hash = (select password_hash from app_user where id = ?) where"
                + " id = ?", admin.userId(), viewer.userId());
        String viewerToken = token(viewer, "Wake-password-1", address);
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/wake", viewerToken, null, address)),
                403, "no-right", "not connect");
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/offline", viewerToken, null,
                address)), 403, "no-right");
        assertError(perform(call(HttpMethod.POST, "/devices/" + UUID.randomUUID() + "/wake", token, null, address)),
                404, "no-such-device");
        assertThat(count("select count(*) from device_wake where device_id = ?", onDemand)).isZero();

        // an HMI user who did not wake the device may not end everybody's sessions on it
        PortalUser hmiUser = data.userWith(admin, pool, Right.OPEN_WEB_HMI);
        jdbc.update("update app_user set password_hash = (select password_hash from app_user where id = ?) where"
                + " id = ?", admin.userId(), hmiUser.userId());
        String hmiToken = token(hmiUser, "Wake-password-1", address);
        DeviceTestData.online(tunnels, onDemand);
        assertError(perform(call(HttpMethod.POST, "/devices/" + onDemand + "/offline", hmiToken, null, address)),
                403, "no-right", "Only the user who woke Pump station");
        assertThat(count("select count(*) from audit_event where device_id = ? and action = 'device.offline'",
                onDemand)).isZero();
    }
}
