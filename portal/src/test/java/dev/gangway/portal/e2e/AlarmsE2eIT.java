package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 5, must-show 5: alarms through the tunnel. A real agent process in the site's namespace listens for alarm
 * mails on its LAN side; {@code curl} in the LAN namespace (a PLC, for the test) sends one by SMTP, and it arrives
 * in GreenMail through the portal, to the user holding "Send alarms by mail/SMS" and not to one who only sees the
 * device. Then the tunnel is cut — the agent dials a forwarder in front of the relay
 * ({@code gangway.relay.public-port}) that closes every connection and refuses new ones while the agent keeps
 * running —, two alarms are sent and queue on the agent's disk, and after the forwarder lets connections through
 * again they arrive exactly once, in order. Cut again, one more alarm is sent, the agent is killed (SIGKILL) and
 * started again, the tunnel is restored: it arrives exactly once too. The device page lists them all.
 *
 * <p>"Exactly once" without waiting for nothing to happen: the portal sends alarms one after another in the order it
 * stored them, and the agent delivers in sequence order, so once a later alarm's mail is in, an earlier one that was
 * going to be mailed twice would have been too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + AlarmsE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
class AlarmsE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-Alarms-admin-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The agent's SMTP listener on its LAN side (the site namespace is the test's own). */
    private static final int SMTP_PORT = 2525;
    private static final String DOMAIN = "alarms-e2e.test";

    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    static RelayGate gate;

    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void openTheGate() throws IOException {
        gate = new RelayGate(new InetSocketAddress(lab.portalSideAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort));
    }

    @AfterAll
    static void closeTheGate() {
        if (gate != null) {
            gate.close();
        }
    }

    @DynamicPropertySource
    static void mailAndGate(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> mail.getSmtp().getPort());
        registry.add("gangway.relay.public-port", () -> gate.port());
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void alarmMailsFromTheLanArriveOnceAlsoAfterACutTunnelAndAnAgentRestart() throws Exception {
        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        try (BrowserContext browser = chromium.newContext()) {
            Page page = browser.newPage();
            portal.signIn(page, ADMIN_PASSWORD);
            String deviceName = "Alarmed press " + UUID.randomUUID().toString().substring(0, 8);
            PortalUi.NewDevice device = portal.addDevice(page, deviceName);

            Path identity = work.resolve("agent-identity");
            NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                    "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                    "ALARM-" + UUID.randomUUID()));
            assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
            Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)")
                    .matcher(registered.output());
            assertThat(registeredAs.find()).as(registered.output()).isTrue();
            String deviceId = registeredAs.group(2);
            recipients(deviceId);

            Path config = AgentJar.writeConfig(work.resolve("agent.yml"), identity, lab.lanHostAddress(),
                    LAN_HMI_PORT);
            Files.writeString(config, AgentJar.alarmsConfig(work.resolve("alarm-queue"), lab.siteLanAddress(),
                    SMTP_PORT), StandardOpenOption.APPEND);
            LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            lab.awaitListening(lab.lan(), lab.siteLanAddress(), SMTP_PORT, agent, WAIT);

            // a PLC on the LAN sends an alarm mail with a real SMTP client; it reaches the right people only
            sendAlarmMail("Pump 3 overheated", "Temperature 97 C since 08:15");
            List<MimeMessage> first = awaitMails("Pump 3 overheated", 1);
            assertThat(recipientsOf(first.get(0))).containsExactly("operator@" + DOMAIN);
            assertThat(GreenMailUtil.getBody(first.get(0))).contains(deviceName, "Pump 3 overheated",
                    "Temperature 97 C since 08:15", "by mail from plc@lan");

            // the tunnel is cut while the agent keeps running: alarms wait on its disk
            gate.cut();
            await().atMost(WAIT).until(() -> !tunnels.isOnline(deviceId));
            sendAlarmMail("Cut 1: door open", "cabinet 2");
            sendAlarmMail("Cut 2: door closed", "cabinet 2");
            assertThat(agent.isAlive()).isTrue();
            int connections = gate.connections();
            gate.restore();
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            assertThat(gate.connections()).as("the agent dialled again").isGreaterThan(connections);
            awaitMails("Cut 2: door closed", 1);

            // cut again, one more alarm, the agent killed and started again while the tunnel is down
            gate.cut();
            await().atMost(WAIT).until(() -> !tunnels.isOnline(deviceId));
            sendAlarmMail("Restart: low oil", "tank 1");
            agent.kill();
            LoggedProcess restarted = lab.start(lab.site(), "agent-restarted", agentJar.run(config));
            lab.awaitListening(lab.lan(), lab.siteLanAddress(), SMTP_PORT, restarted, WAIT);
            gate.restore();
            await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
            awaitMails("Restart: low oil", 1);

            // a last alarm: once its mail is in, every earlier alarm has been mailed as often as it ever will be
            sendAlarmMail("Marker", "");
            awaitMails("Marker", 1);
            List<String> subjects = Arrays.stream(mail.getReceivedMessagesForDomain(DOMAIN))
                    .map(AlarmsE2eIT::subject).toList();
            String prefix = "Alarm from " + deviceName + ": ";
            assertThat(subjects).as("each alarm exactly once, in order, to the holder of the right only")
                    .containsExactly(prefix + "Pump 3 overheated", prefix + "Cut 1: door open",
                            prefix + "Cut 2: door closed", prefix + "Restart: low oil", prefix + "Marker");
            assertThat(jdbc.queryForObject("select count(*) from alarm where device_id = ?", Integer.class,
                    deviceId)).isEqualTo(5);
            // the audit entry of a mail is written once the SMTP server took it: the last one may trail its mail
            await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.queryForObject("select count(*) from"
                    + " audit_event where device_id = ? and action = 'alarm.mail' and result = 'ok'", Integer.class,
                    deviceId)).isEqualTo(5));

            // the device page lists them, newest first
            page.navigate(portal.baseUrl() + "/devices/" + deviceId);
            Locator rows = page.locator("#alarms tr.alarm");
            PlaywrightAssertions.assertThat(rows).hasCount(5);
            PlaywrightAssertions.assertThat(rows.first().locator(".alarm-subject")).hasText("Marker");
            PlaywrightAssertions.assertThat(rows.last().locator(".alarm-subject")).hasText("Pump 3 overheated");
        }
    }

    /** An operator with the right to get the device's alarms, and a viewer without it; the admin has no address. */
    private void recipients(String deviceId) {
        String accountId = jdbc.queryForObject("select account_id from device where id = ?", String.class, deviceId);
        String adminId = jdbc.queryForObject("select id from app_user where account_id = ? and username = ?",
                String.class, accountId, PortalUi.ADMIN);
        jdbc.update("update app_user set email = null where id = ?", adminId);
        RightsTestData data = new RightsTestData(jdbc);
        String pool = data.pool(accountId, "Presses");
        data.poolDevice(pool, deviceId);
        PortalUser admin = new PortalUser(adminId, PortalUi.ADMIN, accountId, PortalUi.ACCOUNT);
        PortalUser operator = data.userWith(admin, pool, Right.SEND_ALARMS);
        PortalUser viewer = data.userWith(admin, pool, Right.VIEW_STATUS);
        jdbc.update("update app_user set email = ? where id = ?", "operator@" + DOMAIN, operator.userId());
        jdbc.update("update app_user set email = ? where id = ?", "viewer@" + DOMAIN, viewer.userId());
    }

    /** {@code curl} in the LAN namespace sends one mail to the agent's SMTP listener, as a PLC would. */
    private void sendAlarmMail(String subject, String text) throws IOException {
        Path message = Files.writeString(work.resolve("mail-" + UUID.randomUUID() + ".eml"), """
                From: plc@lan\r
                To: alarms@site\r
                Subject: %s\r
                \r
                %s\r
                """.formatted(subject, text));
        NetworkLab.Result sent = lab.run(lab.lan(), Duration.ofSeconds(60), List.of("curl", "--silent",
                "--show-error", "--max-time", "30", "smtp://" + lab.siteLanAddress() + ":" + SMTP_PORT,
                "--mail-from", "plc@lan", "--mail-rcpt", "alarms@site", "--upload-file", message.toString()));
        assertThat(sent.exitCode()).as("curl output:\n" + sent.output()).isZero();
    }

    /** Waits until {@code count} mails whose subject ends with {@code subject} arrived, and returns them. */
    private static List<MimeMessage> awaitMails(String subject, int count) {
        await().atMost(WAIT).until(() -> mailsEndingWith(subject).size() >= count);
        List<MimeMessage> mails = mailsEndingWith(subject);
        assertThat(mails).hasSize(count);
        return mails;
    }

    private static List<MimeMessage> mailsEndingWith(String subject) {
        return Arrays.stream(mail.getReceivedMessagesForDomain(DOMAIN)).filter(m -> subject(m).endsWith(subject))
                .toList();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> recipientsOf(MimeMessage message) {
        try {
            return Arrays.stream(message.getAllRecipients()).map(Object::toString).toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
