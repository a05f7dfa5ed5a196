package dev.gangway.portal.alarm;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PhoneNumbers;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.Alarm;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alarm and SMS tests' context: the portal mails to a GreenMail SMTP server (on a port fixed for the JVM, so a
 * test can stop it and start it again) and sends SMS to a JDK HTTP server standing in for an SMS provider (HTTP
 * Basic, JSON body). Every test makes its own accounts, users and devices with unique names and mail domains.
 */
@SpringBootTest
@AutoConfigureMockMvc
public abstract class AlarmTestSupport extends PortalTestSupport {

    public static final String SMS_USER = "sms-user";
    public static final String SMS_PASSWORD = "sms-pass:word ü";
    /** The stand-in SMS provider answers 503 for this number. */
    public static final String FAILING_PHONE = "+4915100000503";

    private static final int MAIL_PORT = freePort();
    private static volatile GreenMail mail = startMail();
    /** Every request the stand-in SMS provider got. */
    public static final List<SmsRequest> SMS = new CopyOnWriteArrayList<>();
    private static final HttpServer SMS_SERVER = startSmsServer();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    @Autowired
    protected AccountRepository accounts;
    @Autowired
    protected AppUserRepository users;
    @Autowired
    protected PasswordEncoder encoder;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected DeviceRegistry registry;
    @Autowired
    protected AlarmService alarms;

    /** One request to the stand-in SMS provider. */
    public record SmsRequest(String method, String path, String contentType, String authorization, String body) {
    }

    @DynamicPropertySource
    static void mailAndSms(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> MAIL_PORT);
        registry.add("gangway.sms.http.url", () -> "http://127.0.0.1:" + SMS_SERVER.getAddress().getPort() + "/sms");
        registry.add("gangway.sms.http.username", () -> SMS_USER);
        registry.add("gangway.sms.http.password", () -> SMS_PASSWORD);
    }

    /** The SMTP server is down until {@link #startMailAgain}. */
    protected static void stopMail() {
        mail.stop();
    }

    protected static void startMailAgain() {
        mail = startMail();
    }

    /** The mails GreenMail received for this domain. */
    protected static List<MimeMessage> mailsTo(String domain) {
        return Arrays.asList(mail.getReceivedMessagesForDomain(domain));
    }

    protected static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A site: an account whose admin, a holder of SEND_ALARMS and a holder of VIEW_STATUS only see one device. */
    protected Site newSite() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String domain = "site-" + tag + ".test";
        RightsTestData data = new RightsTestData(jdbc);
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        String device = DeviceTestData.newDevice(registry, admin.accountId(), "Press " + tag);
        String pool = data.pool(admin.accountId(), "Line " + tag);
        data.poolDevice(pool, device);
        PortalUser holder = data.userWith(admin, pool, Right.SEND_ALARMS);
        PortalUser viewer = data.userWith(admin, pool, Right.VIEW_STATUS);
        contact(admin, "admin@" + domain, null);
        contact(holder, "holder@" + domain, "+49 170 " + (1_000_000 + Math.floorMod(tag.hashCode(), 8_999_999)));
        contact(viewer, "viewer@" + domain, "+49 171 1234567");
        return new Site(admin, holder, viewer, device, pool, domain, "Press " + tag);
    }

    /** Sets a user's e-mail address and phone number (typed form; null: none). */
    protected void contact(PortalUser user, String email, String phone) {
        AppUser row = users.findById(user.userId()).orElseThrow();
        row.setEmail(email);
        row.setPhoneNumber(phone == null ? null : PhoneNumbers.normalise(phone).orElseThrow());
        users.save(row);
    }

    protected String phoneOf(PortalUser user) {
        return users.findById(user.userId()).orElseThrow().getPhoneNumber();
    }

    /** An alarm as an agent sends it, with the next sequence number. */
    protected static Alarm alarm(String subject, String text) {
        return new Alarm(UUID.randomUUID().toString(), SEQUENCE.incrementAndGet(),
                Instant.parse("2026-11-26T08:15:30Z"), Alarm.SOURCE_SMTP, "plc@lan", subject, text);
    }

    /** The audit events of an action for a device, as "result: detail", oldest first. */
    protected List<String> audited(String action, String deviceId) {
        return jdbc.queryForList("select result || ': ' || detail from audit_event where action = ? and device_id = ?"
                + " order by occurred_at, id", String.class, action, deviceId);
    }

    protected List<Map<String, Object>> rows(String deviceId) {
        return jdbc.queryForList("select * from alarm where device_id = ? order by sequence", deviceId);
    }

    /**
     * The account, its users and its device.
     *
     * @param domain every user's e-mail address is in this domain
     */
    public record Site(PortalUser admin, PortalUser holder, PortalUser viewer, String deviceId, String poolId,
            String domain, String deviceName) {
    }

    private static GreenMail startMail() {
        GreenMail started = new GreenMail(new ServerSetup(MAIL_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        started.start();
        return started;
    }

    private static HttpServer startSmsServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/sms", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                SMS.add(new SmsRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
                boolean fail = body.contains(FAILING_PHONE);
                byte[] answer = (fail ? "{\"error\":\"service unavailable\"}" : "{\"id\":\"42\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(fail ? 503 : 200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
