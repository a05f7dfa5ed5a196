package dev.gangway.agent.keyswitch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.TestCa;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.Pem;
import dev.gangway.agent.portal.PortalApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Site-access reports: signed by the device key, retried until the portal takes them, dated in strict order. */
class SiteAccessReporterTest {

    private static final String DEVICE = "dev-reporter";

    HttpServer portal;
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    /** Answers the portal gives, in turn; 200 once they are used up. */
    final BlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
    final AtomicInteger signatureFailures = new AtomicInteger();
    DeviceCredentials identity;

    @BeforeEach
    void setUp() throws Exception {
        TestCa ca = TestCa.create("reporter CA");
        KeyPair keys = TestCa.ecKeys();
        identity = new DeviceCredentials(keys.getPrivate(), ca.issueDevice(keys.getPublic(), DEVICE, "SN-R"),
                List.of(ca.certificate()), new DeviceRecord(DEVICE, "R", "", "localhost", 1, "SN-R", "now"));
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/site-access", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                JsonNode report = JsonMapper.builder().build().readTree(body);
                X509Certificate certificate = Pem.certificate(report.get("certificate").asString());
                Signature verifier = Signature.getInstance(PortalApi.SIGNATURE_ALGORITHM);
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(body);
                if (!verifier.verify(Base64.getDecoder().decode(
                        exchange.getRequestHeaders().getFirst(PortalApi.SIGNATURE_HEADER)))) {
                    signatureFailures.incrementAndGet();
                }
                received.add(report);
            } catch (Exception e) {
                signatureFailures.incrementAndGet();
            }
            Integer status = answers.poll();
            byte[] answer = (status == null || status == 200 ? "{\"enabled\":true,\"changed\":true}"
                    : "{\"error\":\"try later\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        portal.start();
    }

    @AfterEach
    void tearDown() {
        portal.stop(0);
    }

    private PortalApi api() {
        return new PortalApi(URI.create("http://127.0.0.1:" + portal.getAddress().getPort()), Duration.ofSeconds(5),
                Duration.ofSeconds(10), "test");
    }

    @Test
    void aFailedReportIsRetriedUntilThePortalTakesIt() throws Exception {
        answers.add(503);
        Instant now = Instant.parse("2026-11-26T10:00:00.123456Z");
        try (SiteAccessReporter reporter = new SiteAccessReporter(api(), identity, true,
                Clock.fixed(now, ZoneOffset.UTC))) {
            reporter.report(false);
            JsonNode first = received.poll(30, TimeUnit.SECONDS);
            JsonNode retried = received.poll(30, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(retried).isEqualTo(first);
            assertThat(first.get("deviceId").asString()).isEqualTo(DEVICE);
            assertThat(first.get("enabled").booleanValue()).isFalse();
            assertThat(first.get("keySwitch").booleanValue()).isTrue();
            assertThat(first.get("at").asString()).isEqualTo("2026-11-26T10:00:00.123Z");

            // the clock stands still: the next report is still later than the last
            reporter.report(true);
            JsonNode next = received.poll(30, TimeUnit.SECONDS);
            assertThat(next.get("enabled").booleanValue()).isTrue();
            assertThat(next.get("at").asString()).isEqualTo("2026-11-26T10:00:00.124Z");
        }
        assertThat(signatureFailures).hasValue(0);
    }

    @Test
    void aConflictEndsTheReport() throws Exception {
        answers.add(409);
        try (SiteAccessReporter reporter = new SiteAccessReporter(api(), identity, false, Clock.systemUTC())) {
            reporter.report(true);
            assertThat(received.poll(30, TimeUnit.SECONDS).get("keySwitch").booleanValue()).isFalse();
            // a retry would come after 1 s; the next report shows the queue is empty and working
            reporter.report(false);
            assertThat(received.poll(30, TimeUnit.SECONDS).get("enabled").booleanValue()).isFalse();
            assertThat(received.poll(1500, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}
