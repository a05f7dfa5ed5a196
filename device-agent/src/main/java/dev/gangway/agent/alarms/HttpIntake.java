package dev.gangway.agent.alarms;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.tunnel.Alarm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's local HTTP API for alarms (JDK {@link HttpServer}): {@code POST /alarms} with JSON
 * {@code {"subject":"...","text":"..."}} or a {@code text/plain} body and {@code ?subject=...}; answers {@code 202}
 * {@code {"id","sequence"}} once the alarm is on disk. Errors are {@code {"error":"<code>","message":"<plain words>"}}:
 * 400 {@code bad-request}, 404 {@code not-found}, 405 {@code method-not-allowed}, 413 {@code too-large} (bodies over
 * {@value #MAX_BODY_BYTES} bytes), 415 {@code unsupported-media-type}, 503 {@code queue-unavailable}. No
 * authentication: bind it to an address only the site's machines reach (loopback, or the LAN side).
 *
 * <h2>Limits</h2> Bodies up to {@value #MAX_BODY_BYTES} bytes; a request must arrive within 10 s (the JDK server's
 * {@code sun.net.httpserver.maxReqTime}, set here unless given); the rest of a refused body is read and dropped, up
 * to {@value #DRAIN_BYTES} bytes, before the answer goes out (so the client gets it), a longer one is cut off. The JDK
 * server reads a request on a thread of its own, so {@value #THREADS} clients that stall at once delay the others
 * until the 10 s are up.
 *
 * <h2>Lifecycle</h2> {@link #start} binds and serves on {@value #THREADS} threads of its own; {@link #close} stops.
 */
public final class HttpIntake implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpIntake.class);
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The JDK server reads each request on one of these: this many stalled clients at once hold the API up. */
    static final int THREADS = 16;
    private static final int MAX_WAITING = 64;
    /** What is left of a refused body is read and dropped up to this many bytes; a longer one is cut off. */
    static final int DRAIN_BYTES = 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> FIELDS = Set.of("subject", "text");

    static {
        // The JDK server has no request timeout by default: a client that stops sending would hold a thread for ever.
        // These are read once, when the server's configuration class loads (the agent runs no other HTTP server);
        // an operator's own -D settings win.
        defaultProperty("sun.net.httpserver.maxReqTime", "10");
        defaultProperty("sun.net.httpserver.maxRspTime", "10");
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;

    private HttpIntake(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Listens on {@code address} (port 0: any free port).
     *
     * @throws IOException when the address cannot be bound; the message says why
     */
    public static HttpIntake start(InetSocketAddress address, AlarmQueue queue) throws IOException {
        InetSocketAddress bind = address.isUnresolved()
                ? new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort()) : address;
        HttpServer server = HttpServer.create(bind, 32);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING), r -> {
                    Thread t = new Thread(r, "gangway-alarm-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> log.warn("alarm HTTP API busy: a request was dropped"));
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, queue));
        server.start();
        HttpIntake intake = new HttpIntake(server, threads);
        log.info("alarms accepted over HTTP on http://{}/alarms", hostPort(intake.address()));
        return intake;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void handle(HttpExchange exchange, AlarmQueue queue) throws IOException {
        try (exchange) {
            String client = exchange.getRemoteAddress().getAddress().getHostAddress();
            Answer answer;
            try {
                answer = answer(exchange, queue, client);
            } catch (Refusal r) {
                answer = r.answer;
            }
            discardRest(exchange.getRequestBody());
            send(exchange, answer);
        } catch (IOException | RuntimeException e) {
            log.debug("alarm HTTP request failed: {}", e.toString());
        }
    }

    private static Answer answer(HttpExchange exchange, AlarmQueue queue, String client) throws Refusal, IOException {
        if (!"/alarms".equals(exchange.getRequestURI().getRawPath())) {
            throw refuse(404, "not-found", "no such path; alarms are posted to /alarms");
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            throw refuse(405, "method-not-allowed", "use POST to /alarms");
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        Charset charset = charset(type);
        byte[] body = body(exchange);
        String subject;
        String text;
        String query = exchange.getRequestURI().getRawQuery();
        if (mediaType.equals("application/json")) {
            if (query != null && !query.isEmpty()) {
                throw refuse(400, "bad-request", "a JSON body takes no query parameters; put subject and text in it");
            }
            ObjectNode fields = json(decode(body, StandardCharsets.UTF_8));
            subject = field(fields, "subject");
            text = field(fields, "text");
        } else if (mediaType.equals("text/plain")) {
            subject = subjectParameter(query);
            text = decode(body, charset);
        } else {
            throw refuse(415, "unsupported-media-type", "send Content-Type application/json ({\"subject\",\"text\"}) or "
                    + "text/plain (the text, with ?subject=...)");
        }
        if (subject.isBlank() && text.isBlank()) {
            throw refuse(400, "bad-request", "the alarm is empty; give a subject, a text or both");
        }
        Alarm alarm;
        try {
            alarm = queue.add(Alarm.SOURCE_HTTP, client, subject, text);
        } catch (IOException e) {
            log.warn("cannot queue an alarm from {}: {}", client, e.getMessage());
            throw refuse(503, "queue-unavailable", "the alarm could not be saved on the agent's disk; try again later");
        }
        ObjectNode ok = JSON.createObjectNode();
        ok.put("id", alarm.id());
        ok.put("sequence", alarm.sequence());
        return new Answer(202, ok);
    }

    private static byte[] body(HttpExchange exchange) throws Refusal, IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw refuse(400, "bad-request", "the Content-Length header is not a number");
            }
        }
        // what is left after a refusal is dropped by discardRest
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return body;
    }

    /**
     * Reads and drops the rest of the request body, up to {@value #DRAIN_BYTES} bytes, before the answer is sent. A
     * socket closed with unread bytes is reset, and a reset makes the client's system drop the answer it has not read
     * yet; the JDK server's own drain ({@code sun.net.httpserver.drainAmount}) is not relied on, because that setting
     * is fixed by whichever HTTP server of the JVM starts first.
     */
    private static void discardRest(InputStream body) throws IOException {
        byte[] buffer = new byte[8192];
        long dropped = 0;
        int n;
        while (dropped < DRAIN_BYTES && (n = body.read(buffer)) >= 0) {
            dropped += n;
        }
    }

    private static Refusal tooLarge() {
        return refuse(413, "too-large", "the body is larger than " + MAX_BODY_BYTES + " bytes; an alarm's text is cut "
                + "to " + Alarm.MAX_TEXT + " characters anyway");
    }

    private static Charset charset(String contentType) throws Refusal {
        if (contentType == null) {
            return StandardCharsets.UTF_8;
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String name = pair[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                return switch (name) {
                    case "utf-8", "utf8" -> StandardCharsets.UTF_8;
                    case "us-ascii", "ascii" -> StandardCharsets.US_ASCII;
                    case "iso-8859-1", "latin1" -> StandardCharsets.ISO_8859_1;
                    default -> throw refuse(415, "unsupported-media-type", "charset '" + printable(name)
                            + "' is not supported; send UTF-8");
                };
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String decode(byte[] body, Charset charset) throws Refusal {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw refuse(400, "bad-request", "the body is not valid " + charset.name());
        }
    }

    private static ObjectNode json(String body) throws Refusal {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw refuse(400, "bad-request", "the body is not valid JSON; send {\"subject\":\"...\",\"text\":\"...\"}");
        }
        if (!(node instanceof ObjectNode object)) {
            throw refuse(400, "bad-request", "the body must be a JSON object {\"subject\":\"...\",\"text\":\"...\"}");
        }
        for (String name : object.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw refuse(400, "bad-request", "unknown field '" + printable(name) + "'; an alarm has only subject and"
                        + " text");
            }
        }
        return object;
    }

    private static String field(ObjectNode fields, String name) throws Refusal {
        JsonNode value = fields.get(name);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            throw refuse(400, "bad-request", "'" + name + "' must be a string");
        }
        return value.stringValue();
    }

    private static String subjectParameter(String rawQuery) throws Refusal {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        String subject = null;
        for (String pair : rawQuery.split("&")) {
            String[] kv = pair.split("=", 2);
            if (!kv[0].equals("subject")) {
                throw refuse(400, "bad-request", "unknown query parameter '" + printable(kv[0]) + "'; only subject is "
                        + "allowed");
            }
            if (subject != null) {
                throw refuse(400, "bad-request", "subject is given twice");
            }
            try {
                subject = URLDecoder.decode(kv.length == 2 ? kv[1] : "", StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw refuse(400, "bad-request", "the subject is not correctly URL-encoded");
            }
        }
        return subject;
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = JSON.writeValueAsBytes(answer.body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private record Answer(int status, ObjectNode body) {
    }

    private static Refusal refuse(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        return new Refusal(new Answer(status, body));
    }

    /** An answer other than 202, thrown to leave the request's checks early. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Answer answer;

        Refusal(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }
}
