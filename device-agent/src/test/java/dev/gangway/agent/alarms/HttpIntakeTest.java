package dev.gangway.agent.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.tunnel.Alarm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The local HTTP API for alarms: what it takes, and a clear answer to everything else. */
class HttpIntakeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private AlarmQueue queue;
    private HttpIntake http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void setUp() throws IOException {
        queue = AlarmQueue.open(dir.resolve("alarms"), 1000, 50L << 20, Clock.systemUTC());
        http = HttpIntake.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), queue);
    }

    @AfterEach
    void tearDown() {
        http.close();
        queue.close();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + http.address().getPort() + pathAndQuery);
    }

    private HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20))
                .POST(BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String pathAndQuery, String contentType, String body) throws Exception {
        return post(pathAndQuery, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void aJsonAlarmIsAcceptedWithItsIdOnceOnDisk() throws Exception {
        HttpResponse<String> response = post("/alarms", "application/json; charset=utf-8",
                "{\"subject\":\"Tank 2 low\",\"text\":\"level 8 %\\nrefill\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        List<Alarm> queued = queue.queued();
        assertThat(queued).hasSize(1);
        assertThat(json(response).get("id").stringValue()).isEqualTo(queued.get(0).id());
        assertThat(json(response).get("sequence").longValue()).isEqualTo(1);
        assertThat(queued.get(0).source()).isEqualTo("http");
        assertThat(queued.get(0).from()).isEqualTo("127.0.0.1");
        assertThat(queued.get(0).subject()).isEqualTo("Tank 2 low");
        assertThat(queued.get(0).text()).isEqualTo("level 8 %\nrefill");
    }

    @Test
    void aPlainTextAlarmTakesItsSubjectFromTheQuery() throws Exception {
        HttpResponse<String> response = post("/alarms?subject=Pumpe%203%20%C3%BCberhitzt", "text/plain",
                "Temperatur 101 °C");
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(queue.queued().get(0).subject()).isEqualTo("Pumpe 3 überhitzt");
        assertThat(queue.queued().get(0).text()).isEqualTo("Temperatur 101 °C");

        assertThat(post("/alarms", "text/plain; charset=ISO-8859-1", "K\u00e4lte".getBytes(StandardCharsets.ISO_8859_1))
                .statusCode()).isEqualTo(202);
        assertThat(queue.queued().get(1).text()).isEqualTo("Kälte");
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        record Case(String path, String type, byte[] body, int status, String error, String says) {
            Case(String path, String type, String body, int status, String error, String says) {
                this(path, type, body.getBytes(StandardCharsets.UTF_8), status, error, says);
            }
        }
        List<Case> cases = List.of(
                new Case("/alarms", "application/json", "{\"subject\":", 400, "bad-request", "not valid JSON"),
                new Case("/alarms", "application/json", "[1]", 400, "bad-request", "JSON object"),
                new Case("/alarms", "application/json", "{\"subject\":\"a\"} {}", 400, "bad-request", "not valid JSON"),
                new Case("/alarms", "application/json", "{\"subject\":\"a\",\"subject\":\"b\"}", 400, "bad-request",
                        "not valid JSON"),
                new Case("/alarms", "application/json", "{\"subject\":\"a\",\"level\":3}", 400, "bad-request",
                        "unknown field 'level'"),
                new Case("/alarms", "application/json", "{\"subject\":3}", 400, "bad-request", "must be a string"),
                new Case("/alarms", "application/json", "{\"subject\":\" \",\"text\":\"\"}", 400, "bad-request",
                        "the alarm is empty"),
                new Case("/alarms", "application/json", "{}", 400, "bad-request", "the alarm is empty"),
                new Case("/alarms?subject=x", "application/json", "{\"text\":\"t\"}", 400, "bad-request",
                        "no query parameters"),
                new Case("/alarms?level=3", "text/plain", "t", 400, "bad-request", "unknown query parameter 'level'"),
                new Case("/alarms?subject=a&subject=b", "text/plain", "t", 400, "bad-request", "twice"),
                new Case("/alarms", "text/plain", new byte[] {'o', 'k', (byte) 0xC3}, 400, "bad-request",
                        "not valid UTF-8"),
                new Case("/alarms", "text/plain; charset=ebcdic", "t", 415, "unsupported-media-type", "UTF-8"),
                new Case("/alarms", "application/xml", "<a/>", 415, "unsupported-media-type", "application/json"),
                new Case("/alarms", null, "t", 415, "unsupported-media-type", "text/plain"),
                new Case("/alarm", "text/plain", "t", 404, "not-found", "/alarms"),
                new Case("/alarms/1", "text/plain", "t", 404, "not-found", "/alarms"),
                new Case("/alarms", "text/plain", "x".repeat(HttpIntake.MAX_BODY_BYTES + 1), 413, "too-large",
                        "larger than"));
        for (Case c : cases) {
            HttpResponse<String> response = post(c.path(), c.type(), c.body());
            assertThat(response.statusCode()).as(c.path() + " " + new String(c.body(), StandardCharsets.UTF_8)
                    .substring(0, Math.min(40, c.body().length))).isEqualTo(c.status());
            assertThat(json(response).get("error").stringValue()).isEqualTo(c.error());
            assertThat(json(response).get("message").stringValue()).contains(c.says());
        }
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri("/alarms")).GET().build(),
                BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void aRefusedBodyUpToTheDrainLimitStillGetsItsAnswer() throws Exception {
        // bigger than the JDK server's own 64 KiB drain: the answer must not depend on that setting
        byte[] body = new byte[HttpIntake.DRAIN_BYTES / 2];
        java.util.Arrays.fill(body, (byte) 'z');
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = post("/alarms", "text/plain", body);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(json(response).get("error").stringValue()).isEqualTo("too-large");
        }
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOffAndTheServerKeepsServing() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.address().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /alarms HTTP/1.1\r\nHost: agent\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("8000\r\n" + "y".repeat(0x8000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3; i++) {
                out.write(chunk);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
        assertThat(post("/alarms", "text/plain", "after the flood").statusCode()).isEqualTo(202);
        assertThat(queue.queued()).extracting(Alarm::text).containsExactly("after the flood");
    }

    @Test
    void aQueueThatCannotSaveAnswersServiceUnavailable() throws Exception {
        queue.close();
        HttpResponse<String> response = post("/alarms", "text/plain", "lost?");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("error").stringValue()).isEqualTo("queue-unavailable");
    }

    @Test
    void garbageAndStalledClientsDoNotStopTheApi() throws Exception {
        List<Socket> hostile = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < HttpIntake.THREADS / 2; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.address().getPort());
                hostile.add(socket);
                byte[] junk = new byte[8192];
                new java.util.Random(i).nextBytes(junk);
                socket.getOutputStream().write(i % 2 == 0 ? junk : ("POST /alarms HTTP/1.1\r\nHost: a\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly part of it")
                        .getBytes(StandardCharsets.US_ASCII)); // then silence: a body that never completes
                socket.getOutputStream().flush();
            }
            assertThat(post("/alarms", "application/json", "{\"subject\":\"still here\"}").statusCode())
                    .isEqualTo(202);
        } finally {
            for (Socket socket : hostile) {
                socket.close();
            }
        }
    }

    @Test
    void aMalformedQueryIsRefused() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.address().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /alarms?subject=%zz HTTP/1.1\r\nHost: agent\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 1\r\nConnection: close\r\n\r\nt")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(queue.queued()).isEmpty();
    }
}
