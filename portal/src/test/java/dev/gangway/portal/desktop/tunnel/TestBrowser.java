package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser for the tunnel's tests: signs in through the real sign-in form (its session cookie kept), and opens the
 * desktop tunnel's WebSocket as guacamole-common-js does (subprotocol {@code guacamole}, the page's origin).
 */
final class TestBrowser {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final java.util.List<Tab> TABS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    final String base;
    final HttpClient http;

    TestBrowser(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(WAIT).build();
    }

    /** Signs in with the form; fails unless the portal lets the user in. */
    TestBrowser signIn(String account, String username, String password) throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = CSRF.matcher(page);
        assertThat(csrf.find()).as("CSRF token on the sign-in page").isTrue();
        String form = "account=" + encode(account) + "&username=" + encode(username) + "&password="
                + encode(password) + "&_csrf=" + encode(csrf.group(1));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location").orElse("")).doesNotContain("/login");
        return this;
    }

    /** Opens the tunnel from the portal's own origin. */
    Tab open(String query) throws Exception {
        return open(query, base);
    }

    Tab open(String query, String origin) throws Exception {
        Tab tab = new Tab();
        WebSocket.Builder builder = http.newWebSocketBuilder().subprotocols("guacamole").connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        tab.socket = builder.buildAsync(URI.create(base.replace("http:", "ws:") + "/desktop/tunnel?" + query), tab)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        TABS.add(tab);
        return tab;
    }

    /** Closes every tab the tests opened (a test that failed half-way leaves none open for the next). */
    static void closeAll() {
        for (Tab tab : TABS) {
            if (!tab.socket.isOutputClosed()) {
                tab.socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }
        TABS.clear();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One open tunnel: the messages received, in order, and how it closed. */
    static final class Tab implements WebSocket.Listener {

        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        /** The next message; fails after {@link #WAIT}. */
        String next() throws InterruptedException {
            String message = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(message).as("a message from the tunnel").isNotNull();
            return message;
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        /** The close's code and reason ("1008 771"). */
        String closeStatus() throws Exception {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        }
    }
}
