package dev.gangway.portal.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generic HTTP SMS provider against a JDK HTTP server: placeholders filled and escaped for each content type (a
 * text full of quotes, backslashes, line breaks, ampersands and braces arrives exactly as sent), Basic and bearer
 * credentials, GET with the message in the query, and every kind of failure as a failed result that shows neither
 * credentials nor text.
 */
class HttpSmsGatewayTest {

    private static final String TO = "+491701234567";
    /** Everything a template could trip over, including a placeholder of its own. */
    private static final String TEXT = "Pump \"3\" \\ 97 °C\nline 2\t& a=b+c {to} {text} </x> ünï 😀";

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch neverAnswer = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile String answer = "{\"id\":\"1\"}";

    record Received(String method, String query, String contentType, String authorization, String body) {
    }

    @BeforeEach
    void provider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/send", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/silent", exchange -> {
            try {
                neverAnswer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        neverAnswer.countDown();
        server.stop(0);
    }

    @Test
    void aJsonBodyCarriesToAndTextExactlyWithBasicCredentials() {
        HttpSmsGateway gateway = new HttpSmsGateway(settings("/send", "POST", "{\"to\":\"{to}\",\"text\":\"{text}\"}",
                "application/json", "user", "pa:ss wörd", null));

        SmsResult result = gateway.send(TO, TEXT);

        assertThat(result.sent()).isTrue();
        assertThat(result.detail()).isEqualTo("HTTP 200 from 127.0.0.1");
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString("user:pa:ss wörd".getBytes(StandardCharsets.UTF_8)));
        JsonNode body = JsonMapper.builder().build().readTree(request.body());
        assertThat(body.get("to").asString()).isEqualTo(TO);
        assertThat(body.get("text").asString()).isEqualTo(TEXT);
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void aFormBodyIsUrlEncodedAndABearerTokenIsSent() {
        HttpSmsGateway gateway = new HttpSmsGateway(settings("/send", "POST", "to={to}&message={text}&from=Gangway",
                "application/x-www-form-urlencoded; charset=UTF-8", null, null, "tok-123.abc"));

        assertThat(gateway.send(TO, TEXT).sent()).isTrue();

        Received request = received.get(0);
        assertThat(request.authorization()).isEqualTo("Bearer tok-123.abc");
        assertThat(form(request.body())).containsExactlyInAnyOrderEntriesOf(Map.of("to", TO, "message", TEXT,
                "from", "Gangway"));
    }

    @Test
    void getPutsToAndTextIntoTheQueryAndSendsNoBody() {
        HttpSmsGateway gateway = new HttpSmsGateway(settings("/send?number={to}&msg={text}&key=k1", "GET", "",
                "application/json", null, null, null));

        assertThat(gateway.send(TO, TEXT).sent()).isTrue();

        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.body()).isEmpty();
        assertThat(request.authorization()).isNull();
        assertThat(form(request.query())).containsExactlyInAnyOrderEntriesOf(Map.of("number", TO, "msg", TEXT,
                "key", "k1"));
    }

    @Test
    void anXmlBodyIsEscaped() {
        HttpSmsGateway gateway = new HttpSmsGateway(settings("/send", "PUT", "<sms><to>{to}</to><text>{text}</text>"
                + "</sms>", "text/xml", null, null, null));

        assertThat(gateway.send(TO, "a < b & \"c\"").sent()).isTrue();

        assertThat(received.get(0).method()).isEqualTo("PUT");
        assertThat(received.get(0).body()).isEqualTo("<sms><to>" + TO + "</to><text>a &#60; b &#38; &#34;c&#34;"
                + "</text></sms>");
    }

    @Test
    void aRefusalIsAFailureWithTheStatusAndTheStartOfTheAnswerButNoSecrets() {
        status = 401;
        answer = "{\"error\":\"bad credentials\"}\n" + "x".repeat(1000);
        HttpSmsGateway gateway = new HttpSmsGateway(settings("/send?apikey=secret-key", "POST", "{\"t\":\"{text}\"}",
                "application/json", "user", "secret-password", null));

        SmsResult result = gateway.send(TO, "secret text");

        assertThat(result.sent()).isFalse();
        assertThat(result.detail()).startsWith("HTTP 401 from 127.0.0.1: {\"error\":\"bad credentials\"} xxx")
                .hasSizeLessThan(300).doesNotContain("secret");
    }

    @Test
    void noServerAndNoAnswerAreFailures() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SmsResult refused = new HttpSmsGateway(new SmsSettings.Http("http://127.0.0.1:" + closedPort + "/send",
                "POST", "{}", "application/json", null, null, null, Duration.ofSeconds(10))).send(TO, "x");
        assertThat(refused.sent()).isFalse();
        assertThat(refused.detail()).startsWith("cannot reach 127.0.0.1");

        SmsResult silent = new HttpSmsGateway(new SmsSettings.Http(url("/silent"), "POST", "{}", "application/json",
                null, null, null, Duration.ofSeconds(1))).send(TO, "x");
        assertThat(silent.sent()).isFalse();
        assertThat(silent.detail()).isEqualTo("no answer from 127.0.0.1 within 1 s");
    }

    @Test
    void wrongSettingsNameTheProperty() {
        assertThatThrownBy(() -> settings("/send", "POST", "{}", "application/json", "user", null, null))
                .hasMessageContaining("gangway.sms.http.username and gangway.sms.http.password go together");
        assertThatThrownBy(() -> settings("/send", "POST", "{}", "application/json", "user", "pw", "token"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> settings("/send", "DELETE", "{}", "application/json", null, null, null))
                .hasMessageContaining("gangway.sms.http.method must be POST, PUT or GET");
        assertThatThrownBy(() -> new SmsSettings.Http("ftp://sms.example.com/", "POST", "{}", "application/json",
                null, null, null, Duration.ofSeconds(10))).hasMessageContaining("gangway.sms.http.url must be an "
                        + "http:// or https:// address");
        assertThatThrownBy(() -> new SmsSettings.Http("https://me:pw@sms.example.com/", "POST", "{}",
                "application/json", null, null, null, Duration.ofSeconds(10)))
                .hasMessageContaining("must not hold a user name or password").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> new SmsSettings.Http("https://sms.example.com/", "POST", "{}", "application/json",
                null, null, null, Duration.ofMinutes(5))).hasMessageContaining("gangway.sms.http.timeout");
        assertThat(settings("/send?apikey=k", "post", "{}", "application/json", "user", "pw", null))
                .satisfies(s -> assertThat(s.method()).isEqualTo("POST"))
                .hasToString("Http[url host 127.0.0.1, method POST, content type application/json, Basic auth]");
    }

    @Test
    void withoutAProviderNothingIsSent() {
        SmsResult result = new LogOnlySmsGateway().send(TO, "activation key ABCD");
        assertThat(result.sent()).isFalse();
        assertThat(result.detail()).contains("no SMS gateway is configured", "gangway.sms.http.url");
    }

    private SmsSettings.Http settings(String path, String method, String template, String contentType,
            String username, String password, String bearer) {
        return new SmsSettings.Http(url(path), method, template, contentType, username, password, bearer,
                Duration.ofSeconds(10));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static Map<String, String> form(String encoded) {
        return Arrays.stream(encoded.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
                pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
