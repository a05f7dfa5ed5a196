package dev.gangway.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A tiny portal on loopback that answers like the client API contract: routes are {@code "METHOD /path"} under
 * {@code /api/client/v1}, each answering a status and a JSON body. Records every request.
 */
public final class FakePortal implements AutoCloseable {

    /** An answer: status and JSON body (null: no body). */
    public record Reply(int status, String json) {
    }

    /** A request the portal got. */
    public record Request(String method, String path, String authorization, String body) {
    }

    public static final String TOKEN = "token-abc";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-portal");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakePortal() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor); // requests are answered concurrently (a handler may hold one back)
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakePortal on(String route, int status, String json) {
        routes.put(route, r -> new Reply(status, json));
        return this;
    }

    public FakePortal on(String route, Function<Request, Reply> handler) {
        routes.put(route, handler);
        return this;
    }

    /** The usual happy answers: sign-in, sign-out, one online device with two services. */
    public FakePortal standard() {
        on("POST /sessions", 201, "{\"token\":\"" + TOKEN + "\",\"expiresAt\":\"2026-11-26T12:00:00Z\","
                + "\"account\":\"acme\",\"user\":\"alice\"}");
        on("DELETE /sessions/current", 204, null);
        on("GET /devices", 200, "{\"devices\":[" + device("dev-7", "Press 4", true, "CLIENT_FORWARD") + ","
                + device("dev-8", "Lathe", false, "VIEW_STATUS") + "]}");
        return this;
    }

    public static String device(String id, String name, boolean online, String... rights) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"online\":" + online + ",\"status\":\""
                + (online ? "online" : "offline") + "\",\"pools\":[\"hall-2\"],\"services\":["
                + "{\"name\":\"hmi\",\"kind\":\"http\",\"host\":\"198.19.0.2\",\"port\":80},"
                + "{\"name\":\"plc\",\"kind\":\"tcp\",\"host\":\"198.19.0.3\",\"port\":502}],"
                + "\"rights\":[" + String.join(",", java.util.Arrays.stream(rights).map(r -> "\"" + r + "\"").toList())
                + "],\"onDemand\":false}";
    }

    public static String error(String code, String message) {
        return "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }

    /** The requests to {@code route} ("METHOD /path"). */
    public List<Request> requests(String route) {
        return requests.stream().filter(r -> (r.method + " " + r.path).equals(route)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String prefix = "/api/client/v1";
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), path.startsWith(prefix)
                ? path.substring(prefix.length()) : path, exchange.getRequestHeaders().getFirst("Authorization"), body);
        requests.add(request);
        Function<Request, Reply> route = path.startsWith(prefix)
                ? routes.get(request.method() + " " + request.path()) : null;
        Reply reply = route == null ? new Reply(404, null) : route.apply(request);
        if (reply.json() == null) {
            exchange.sendResponseHeaders(reply.status(), -1);
        } else {
            byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
