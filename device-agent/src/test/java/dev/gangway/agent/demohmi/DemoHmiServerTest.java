package dev.gangway.agent.demohmi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoHmiServerTest {

    static DemoHmiServer server;
    static HttpClient http;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = DemoHmiServer.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.localAddress().getPort();
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void indexHasTheElementsOfTheContract() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body())
                .contains("<title>Demo HMI</title>", "id=\"hmi-title\"", "<a id=\"absolute-link\" href=\"/page2\"",
                        "id=\"ws-input\"", "id=\"ws-send\"", "id=\"ws-output\"",
                        "<a id=\"download\" href=\"/download?size=52428800\"");
        assertThat(get("/assets/hmi.js").body())
                .contains("new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/ws/echo')");
        assertThat(get("/assets/hmi.css").statusCode()).isEqualTo(200);
    }

    @Test
    void page2AndStatus() throws Exception {
        assertThat(get("/page2").body()).contains("id=\"page2\"");
        HttpResponse<String> status = get("/status.json");
        assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(status.body()).contains("\"spindleRpm\":", "\"partsProduced\":");
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void downloadIsThePatternWithContentLength() throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/download?size=1000000")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(response.headers().firstValue("Content-Length")).hasValue("1000000");
        long i = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int k = 0; k < n; k++, i++) {
                    if (buffer[k] != (byte) ((i * 31 + 7) & 0xFF)) {
                        throw new AssertionError("byte " + i + " is " + buffer[k]);
                    }
                }
            }
        }
        assertThat(i).isEqualTo(1_000_000);
    }

    @Test
    void downloadSizeIsChecked() throws Exception {
        assertThat(get("/download?size=1073741825").statusCode()).isEqualTo(400);
        assertThat(get("/download?size=-1").statusCode()).isEqualTo(400);
        assertThat(get("/download").statusCode()).isEqualTo(400);
        assertThat(get("/download?size=0").headers().firstValue("Content-Length")).hasValue("0");
    }

    @Test
    void setCookieSetsADomainCookieAndRedirectsAbsolutely() throws Exception {
        HttpResponse<String> response = get("/set-cookie");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("hmi_pref=1; Path=/; Domain=127.0.0.1");
        assertThat(response.headers().firstValue("Location")).hasValue(base + "/page2");
    }

    @Test
    void setCookieUsesTheHostHeader() throws Exception {
        String reply = raw("GET /set-cookie HTTP/1.1\r\nHost: plc.example:8081\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 302")
                .contains("set-cookie: hmi_pref=1; Path=/; Domain=plc.example")
                .contains("location: http://plc.example:8081/page2");
    }

    @Test
    void webSocketEchoesTextAndBinary() throws Exception {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
                + server.localAddress().getPort() + "/ws/echo"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.add(bytes);
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        ws.sendText("hello machine", true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello machine");
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(new byte[] {1, 2, 3});
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void hostileBytesCloseOnlyThatConnection() throws Exception {
        String reply = raw("\u0000\u0001GARBAGE \u00ff\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 400");
        assertThat(get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
    }

    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
