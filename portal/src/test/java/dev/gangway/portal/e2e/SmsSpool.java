package dev.gangway.portal.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The SMS network for end-to-end tests: a loopback HTTP server for the portal's generic HTTP SMS provider
 * ({@code gangway.sms.http.*}, see {@link #properties}) that delivers each SMS it is asked to send into a
 * gammu-smsd files-backend inbox directory, the way gammu-smsd would on the agent's modem: a file
 * {@code IN<YYYYMMDD>_<HHMMSS>_<NN serial>_<sender>_00.txt} holding the text as gammu's default
 * {@code InboxFormat=unicode} writes it: the byte order mark {@code FE FF} and gammu's internal UCS-2, which is
 * big-endian (gammu {@code smsd/services/files.c}). {@link #encoding} switches to little-endian with {@code FF FE} or to
 * plain UTF-8 ({@code InboxFormat=standard}). The agent process runs in its own network namespace but shares the file
 * system, so it reads the directory directly.
 *
 * <p>Every SMS is kept ({@link #received()}) for assertions, whatever its recipient: this is one modem, and the test
 * decides whether the number was right. The sender number the agent sees and the inbox can be changed between
 * steps; {@link #refuseWith} makes the provider answer an error instead of delivering.
 *
 * <p>Lifecycle: {@link #start} in a {@code @BeforeAll}, {@link #close} in the {@code @AfterAll}. Thread-safe: requests
 * are served one at a time on the server's own thread; setters take effect for the next request.
 */
final class SmsSpool implements AutoCloseable {

    /** One SMS the portal asked to send. */
    record Received(String to, String text) {
    }

    /** How an inbox file holds the text. */
    enum Encoding {
        /** {@code FE FF} and UTF-16BE: what gammu-smsd writes with {@code InboxFormat=unicode} (its default). */
        GAMMU_UNICODE,
        /** {@code FF FE} and UTF-16LE. */
        UTF16LE_WITH_BOM,
        /** UTF-8 without a mark ({@code InboxFormat=standard} on a UTF-8 system). */
        UTF8
    }

    /** The sender number gammu would report unless told otherwise. */
    static final String DEFAULT_SENDER = "+4915112345678";

    private static final String PATH = "/sms";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'_'HHmmss");

    private final HttpServer server;
    private final Clock clock;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** How many files were written per second of the name, for the serial (gammu counts up within a second). */
    private final Map<String, Integer> serials = new HashMap<>();
    private volatile Path inbox;
    private volatile String sender;
    private volatile int refusal;
    private volatile Encoding encoding = Encoding.GAMMU_UNICODE;

    private SmsSpool(HttpServer server, Path inbox, String sender, Clock clock) {
        this.server = server;
        this.inbox = inbox;
        this.sender = sender;
        this.clock = clock;
    }

    /** Starts a spool on a free loopback port delivering into {@code inbox} (created if missing) as {@code sender}. */
    static SmsSpool start(Path inbox, String sender) {
        try {
            Files.createDirectories(inbox);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            SmsSpool spool = new SmsSpool(server, inbox, sender, Clock.systemDefaultZone());
            server.createContext(PATH, spool::handle);
            server.start();
            return spool;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #start(Path, String)} with {@link #DEFAULT_SENDER}. */
    static SmsSpool start(Path inbox) {
        return start(inbox, DEFAULT_SENDER);
    }

    /** The sender number in the next inbox file names (e.g. {@code +4915112345678}). */
    void sender(String number) {
        if (number == null || !number.matches("\\+?[0-9]{3,20}")) {
            throw new IllegalArgumentException("a sender number is digits with an optional leading +: " + number);
        }
        this.sender = number;
    }

    /** Where the next SMS go (created if missing). */
    void inbox(Path directory) throws IOException {
        Files.createDirectories(directory);
        this.inbox = directory;
    }

    /** How the next inbox files hold their text. */
    void encoding(Encoding encoding) {
        this.encoding = java.util.Objects.requireNonNull(encoding, "encoding");
    }

    Path inbox() {
        return inbox;
    }

    /** From now on the provider answers {@code status} (e.g. 503) and delivers nothing; 0 delivers again. */
    void refuseWith(int status) {
        this.refusal = status;
    }

    /** Every SMS the portal sent so far (also refused ones), oldest first. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The texts sent to {@code to}, oldest first. */
    List<String> textsTo(String to) {
        return received.stream().filter(sms -> sms.to().equals(to)).map(Received::text).toList();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The portal's settings for this provider. */
    Map<String, String> springProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("gangway.sms.http.url", url());
        properties.put("gangway.sms.http.method", "POST");
        properties.put("gangway.sms.http.content-type", "application/x-www-form-urlencoded");
        properties.put("gangway.sms.http.body-template", "to={to}&text={text}");
        return properties;
    }

    /**
     * Adds the provider's settings to a {@code @DynamicPropertySource}; the spool is asked only when the context
     * starts (after {@code @BeforeAll}), as {@code registry.add} suppliers are.
     */
    static void properties(DynamicPropertyRegistry registry, Supplier<SmsSpool> spool) {
        for (String name : List.of("gangway.sms.http.url", "gangway.sms.http.method",
                "gangway.sms.http.content-type", "gangway.sms.http.body-template")) {
            registry.add(name, () -> spool.get().springProperties().get(name));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "POST only");
                return;
            }
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String to = form.get("to");
            String text = form.get("text");
            if (to == null || text == null) {
                answer(exchange, 400, "to and text are required");
                return;
            }
            received.add(new Received(to, text));
            int status = refusal;
            if (status != 0) {
                answer(exchange, status, "refused by the test");
                return;
            }
            deliver(text);
            answer(exchange, 200, "{\"id\":\"" + received.size() + "\"}");
        } catch (IOException | RuntimeException e) {
            answer(exchange, 500, "spool failed: " + e);
        }
    }

    /**
     * Writes one inbox file; written next to the inbox first and moved in, so the agent never reads half a file
     * (gammu-smsd writes in place, but a test must not depend on the agent's poll timing).
     */
    private synchronized void deliver(String text) throws IOException {
        Path directory = inbox;
        // gammu names the file by the message's time in the modem's (the system's) zone; the agent reads it so
        String time = LocalDateTime.now(clock).format(NAME_TIME);
        int serial = serials.merge(time, 1, Integer::sum) - 1;
        String name = "IN" + time + "_" + String.format("%02d", serial) + "_" + sender + "_00.txt";
        byte[] content = encode(text, encoding);
        Path parent = directory.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(parent, ".sms-spool-", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] encode(String text, Encoding encoding) {
        if (encoding == Encoding.UTF8) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        boolean big = encoding == Encoding.GAMMU_UNICODE;
        ByteBuffer encoded = (big ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE).encode(text);
        byte[] content = new byte[2 + encoded.remaining()];
        content[0] = (byte) (big ? 0xFE : 0xFF);
        content[1] = (byte) (big ? 0xFF : 0xFE);
        encoded.get(content, 2, encoded.remaining());
        return content;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
