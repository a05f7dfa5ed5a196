package dev.gangway.portal.alarm;

import static dev.gangway.portal.TestData.signedIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.icegreen.greenmail.util.GreenMailUtil;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.Alarm;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 5, alarms on the portal's side: stored once per (device, agent alarm id), then sent by mail (GreenMail) and
 * SMS (a stand-in HTTP provider) to exactly the users holding "Send alarms by mail/SMS" on the device, each result
 * audited; a failed mail is audited and loses nothing; the device page lists the alarms, escaped.
 *
 * <p>Alarms are sent by one thread in the order they were stored: once the last alarm of a test is audited, every
 * earlier one has been dealt with, so the tests count mails without waiting for "nothing more".
 */
class AlarmServiceTest extends AlarmTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    AlarmDispatcher dispatcher;

    @Test
    void theSameAlarmTwiceIsStoredAndSentOnceToTheHoldersOfTheRightOnly() throws Exception {
        Site site = newSite();
        // another account's admin, and a user of it granted the right through a pool that (wrongly) lists our
        // device: neither ever gets our alarms
        Site other = newSite();
        RightsTestData data = new RightsTestData(jdbc);
        data.poolDevice(other.poolId(), site.deviceId());
        Alarm first = alarm("Pump 3 overheated", "Temperature 97 °C\nSince 08:15");
        Alarm second = alarm("Pump 3 back to normal", "");

        alarms.store(site.deviceId(), "cert-1", List.of(first));
        alarms.store(site.deviceId(), "cert-1", List.of(first, second));
        alarms.store(site.deviceId(), "cert-2", List.of(second));
        awaitAudited("alarm.mail", site.deviceId(), 4);

        assertThat(rows(site.deviceId())).extracting(r -> r.get("agent_alarm_id"))
                .containsExactly(first.id(), second.id());
        List<MimeMessage> mails = mailsTo(site.domain());
        assertThat(mails).hasSize(4);
        assertThat(mails).flatExtracting(AlarmTestSupport::recipients).containsExactlyInAnyOrder(
                "admin@" + site.domain(), "admin@" + site.domain(), "holder@" + site.domain(),
                "holder@" + site.domain());
        assertThat(mails.stream().filter(m -> recipients(m).contains("holder@" + site.domain()))
                .map(AlarmTestSupport::subject)).containsExactly(
                        "Alarm from " + site.deviceName() + ": Pump 3 overheated",
                        "Alarm from " + site.deviceName() + ": Pump 3 back to normal");
        String body = GreenMailUtil.getBody(mails.get(0));
        assertThat(body).contains(site.deviceName(), "Pump 3 overheated", "Temperature 97", "Since 08:15",
                "2026-11-26 08:15:30 UTC", "by mail from plc@lan", "Send alarms by mail/SMS");
        assertThat(mailsTo(other.domain())).as("another account's users").isEmpty();
        assertThat(audited("alarm.mail", site.deviceId())).hasSize(4).allSatisfy(a -> assertThat(a).startsWith("ok:"))
                .anySatisfy(a -> assertThat(a).contains("Pump 3 overheated", site.holder().username(),
                        "holder@" + site.domain()));

        // SMS: the holder has a phone number, the admin none; the viewer has one but not the right
        String phone = phoneOf(site.holder());
        List<SmsRequest> sms = SMS.stream().filter(r -> r.body().contains(phone)).toList();
        assertThat(sms).hasSize(2);
        assertThat(SMS.stream().filter(r -> r.body().contains(phoneOf(site.viewer())))).isEmpty();
        SmsRequest request = sms.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (SMS_USER + ":" + SMS_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        JsonNode message = json.readTree(request.body());
        assertThat(message.get("to").asString()).isEqualTo(phone);
        assertThat(message.get("text").asString()).isEqualTo(site.deviceName()
                + ": Pump 3 overheated - Temperature 97 °C Since 08:15");
        assertThat(audited("alarm.sms", site.deviceId())).hasSize(2)
                .allSatisfy(a -> assertThat(a).startsWith("ok:").contains(phone, "HTTP 200")
                        .doesNotContain(SMS_PASSWORD).doesNotContain("Temperature"));
    }

    @Test
    void aFailedMailIsAuditedAsFailedAndTheAlarmStaysStoredAndShown() throws Exception {
        Site site = newSite();
        Alarm alarm = alarm("Door open", "Cabinet door 2");
        stopMail();
        try {
            alarms.store(site.deviceId(), "cert-1", List.of(alarm));
            awaitAudited("alarm.mail", site.deviceId(), 2);
        } finally {
            startMailAgain();
        }

        assertThat(audited("alarm.mail", site.deviceId())).hasSize(2).allSatisfy(a -> assertThat(a)
                .startsWith("failed:").contains("Door open", "could not be reached"));
        assertThat(rows(site.deviceId())).hasSize(1);
        assertThat(alarms.latest(site.admin().accountId(), site.deviceId())).singleElement()
                .satisfies(v -> assertThat(v.subject()).isEqualTo("Door open"));
        // the SMS went out all the same
        assertThat(audited("alarm.sms", site.deviceId())).singleElement()
                .satisfies(a -> assertThat(a).startsWith("ok:"));

        // delivered again by the agent (say its acknowledgement was lost): still stored once, nothing sent again
        alarms.store(site.deviceId(), "cert-1", List.of(alarm, alarm("Door closed", "")));
        awaitAudited("alarm.mail", site.deviceId(), 4);
        assertThat(rows(site.deviceId())).hasSize(2);
        assertThat(mailsTo(site.domain())).extracting(AlarmTestSupport::subject)
                .containsOnly("Alarm from " + site.deviceName() + ": Door closed").hasSize(2);
    }

    @Test
    void anSmsTheProviderRefusesIsAuditedAsFailed() {
        Site site = newSite();
        contact(site.holder(), "holder@" + site.domain(), FAILING_PHONE);
        alarms.store(site.deviceId(), "cert-1", List.of(alarm("Low oil", "")));
        await().atMost(WAIT).until(() -> audited("alarm.sms", site.deviceId()).size() == 1);

        assertThat(audited("alarm.sms", site.deviceId()).get(0)).startsWith("failed:")
                .contains(FAILING_PHONE, "HTTP 503", "service unavailable", site.holder().username());
        awaitAudited("alarm.mail", site.deviceId(), 2);
        assertThat(audited("alarm.mail", site.deviceId())).allSatisfy(a -> assertThat(a).startsWith("ok:"));
    }

    @Test
    void withNobodyHoldingTheRightTheAuditLogSaysSo() {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        String device = DeviceTestData.newDevice(registry, admin.accountId(), "Unwatched press");
        jdbc.update("update app_user set enabled = false where id = ?", admin.userId());

        alarms.store(device, "cert-1", List.of(alarm("Nobody listens", "")));

        await().atMost(WAIT).until(() -> !audited("alarm.mail", device).isEmpty());
        assertThat(audited("alarm.mail", device)).singleElement().satisfies(a -> assertThat(a)
                .startsWith("failed:").contains("nobody holds the right \"Send alarms by mail/SMS\""));
        assertThat(rows(device)).hasSize(1);
    }

    @Test
    void hostileFieldsAreStoredAsOneLineAndTheDevicePageShowsThemEscapedToItsViewersOnly() throws Exception {
        Site site = newSite();
        Alarm hostile = new Alarm(UUID.randomUUID().toString(), 1, Instant.parse("2026-11-26T09:00:00Z"),
                Alarm.SOURCE_HTTP, "198.18.7.9", "<script>alert(1)</script>\r\nBcc: x@evil.test\u0000",
                "line 1\r\nline 2\u0000<b>bold</b>");
        alarms.store(site.deviceId(), "cert-1", List.of(hostile));
        awaitAudited("alarm.mail", site.deviceId(), 2);

        String subject = (String) rows(site.deviceId()).get(0).get("subject");
        assertThat(subject).doesNotContain("\r", "\n", "\u0000").startsWith("<script>alert(1)</script>");
        assertThat(mailsTo(site.domain())).allSatisfy(m -> {
            assertThat(subject(m)).doesNotContain("\n").contains("Bcc: x@evil.test");
            assertThat(recipients(m)).doesNotContain("x@evil.test");
        });

        String page = mvc.perform(get("/devices/" + site.deviceId()).with(signedIn(site.viewer())))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)")
                .contains("&lt;b&gt;bold&lt;/b&gt;").contains("198.18.7.9");
        // another account's administrator: the device is not there, and neither are its alarms
        Site other = newSite();
        String refused = mvc.perform(get("/devices/" + site.deviceId()).with(signedIn(other.admin())))
                .andExpect(status().isNotFound()).andReturn().getResponse().getContentAsString();
        assertThat(refused).doesNotContain("alert(1)");
        assertThat(alarms.latest(other.admin().accountId(), site.deviceId())).isEmpty();
    }

    @Test
    void anAlarmStoredButNeverSentGoesOutOnceAtTheNextSweep() {
        Site site = newSite();
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into alarm (id, device_id, account_id, agent_alarm_id, sequence, raised_at, received_at,"
                + " source, sender, subject, text) values (?, ?, ?, ?, 7, ?, ?, 'http', '', 'Left over', '')", id,
                site.deviceId(), site.admin().accountId(), UUID.randomUUID().toString(),
                Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));

        dispatcher.sweep();
        dispatcher.dispatch(List.of(id, id));
        dispatcher.sweep();
        awaitAudited("alarm.mail", site.deviceId(), 2);
        // the last alarm queued is dealt with after every earlier one
        Alarm marker = alarm("Marker", "");
        alarms.store(site.deviceId(), "cert-1", List.of(marker));
        awaitAudited("alarm.mail", site.deviceId(), 4);

        assertThat(mailsTo(site.domain())).extracting(AlarmTestSupport::subject).filteredOn(s -> s.contains("Left"))
                .hasSize(2);
        assertThat(jdbc.queryForObject("select count(*) from alarm where device_id = ? and dispatched_at is null",
                Integer.class, site.deviceId())).isZero();
    }

    private void awaitAudited(String action, String deviceId, int count) {
        await().atMost(WAIT).until(() -> audited(action, deviceId).size() >= count);
        assertThat(audited(action, deviceId)).hasSize(count);
    }
}
