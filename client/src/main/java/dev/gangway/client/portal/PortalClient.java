package dev.gangway.client.portal;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Output;
import dev.gangway.client.Text;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.ProxyBridge;
import dev.gangway.tunnel.ProxySettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Calls the portal's client API ({@code /api/client/v1}) with the JDK HTTP client: JSON both ways, the session
 * token as {@code Authorization: Bearer}. Every failure becomes a {@link PortalException} whose exit code says
 * what went wrong (3 session ended, 4 sign-in refused, 5 no right, 6 no device, 7 unreachable).
 *
 * <h2>Redirects</h2> Never followed: the password and the token must not travel anywhere else. A redirect is
 * reported with its target, so the user can give that address to {@code --portal}.
 *
 * <h2>HTTP proxy</h2> With a {@link ProxySettings} every call goes through that proxy ({@code CONNECT} for an
 * https portal, a proxied request for an http one), answering only the proxy's Basic challenge. The JDK refuses
 * Basic for {@code CONNECT} unless {@code jdk.http.auth.tunneling.disabledSchemes} is set before its HTTP client
 * is first used; this class clears it (unless the user set it) when it is loaded. The JDK cannot do NTLM: with an
 * NTLM proxy the calls go through a {@link ProxyBridge} on loopback that opens each {@code CONNECT} with NTLM, so the
 * portal must be https (a plain-http portal is refused with a usage error).
 *
 * <h2>Errors</h2> Only the contract's error codes ({@link #KNOWN_ERRORS}) count as the portal's refusals; any
 * other answer is reported by its HTTP status (5xx and 404: exit code 7, others 1).
 *
 * <h2>Threading</h2> Thread-safe. {@link #ticket} does not block: it is called on an event loop. The HTTP client
 * runs on a small pool of its own ({@value #HTTP_THREADS} daemon threads), not the JDK's unbounded default.
 */
public final class PortalClient {

    /** The client API's base path. */
    public static final String API = "/api/client/v1";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";
    /** Ticket requests in flight at once; the others wait in order ({@link InFlightLimit}). */
    static final int MAX_TICKET_REQUESTS = 32;
    /** A ticket request the portal throttled is sent again this much later, doubling, this many times. */
    static final Duration TICKET_RETRY_FIRST = Duration.ofMillis(200);
    static final int TICKET_RETRIES = 4;
    /** Threads for the HTTP client's work (the JDK's default pool has no bound). */
    private static final int HTTP_THREADS = 4;
    /** The error codes of the client API contract; another "error" in a JSON body is not the portal's. */
    static final Set<String> KNOWN_ERRORS = Set.of("bad-credentials", "two-factor-required", "two-factor-wrong",
            "signin-refused", "throttled", "bad-request", "session-ended", "no-such-device", "no-right",
            "device-offline", "no-certificate", "bad-target", "bad-csr", "not-on-demand", "browser-refused",
            "too-many-certificates", "internal", "no-phone-number", "site-disabled", "not-online", "no-wake",
            "relay-unavailable");

    static {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    private final URI base;
    private final Optional<ProxySettings> proxy;
    /** The loopback bridge to an NTLM proxy, or null. */
    private final ProxyBridge bridge;
    private final HttpClient http;
    private final Executor executor;
    private final InFlightLimit ticketRequests;
    private final String userAgent;
    private volatile String loginHint;

    /**
     * @param base  the portal's address ({@link #parseBase})
     * @param proxy the HTTP proxy to go through, if any
     * @param tls   whom an https portal may be ({@link PortalTrust#sslContext})
     */
    public PortalClient(URI base, Optional<ProxySettings> proxy, SSLContext tls, String clientVersion) {
        this.base = base;
        this.proxy = proxy;
        this.userAgent = "gangway-client/" + clientVersion;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "gangway-portal-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ticketRequests = new InFlightLimit(MAX_TICKET_REQUESTS, executor);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls);
        ProxyBridge ntlmBridge = null;
        if (proxy.isPresent() && proxy.get().scheme() == ProxySettings.Scheme.NTLM) {
            // The JDK's client cannot do NTLM: it goes through a loopback bridge that opens each CONNECT with NTLM.
            if (!"https".equalsIgnoreCase(base.getScheme())) {
                throw ClientException.usage("with an NTLM proxy the portal address must be https (" + base
                        + " is plain http)");
            }
            ntlmBridge = ProxyBridge.start(proxy.get());
            builder.proxy(ProxySelector.of(ntlmBridge.address()));
        } else {
            proxy.ifPresent(p -> {
                builder.proxy(ProxySelector.of(p.address()));
                if (p.username() != null) {
                    builder.authenticator(new ProxyAuthenticator(p));
                }
            });
        }
        this.bridge = ntlmBridge;
        this.http = builder.build();
    }

    /** Answers only the proxy's challenge, never the portal's: the proxy password must not reach the portal. */
    private static final class ProxyAuthenticator extends Authenticator {
        private final ProxySettings proxy;

        ProxyAuthenticator(ProxySettings proxy) {
            this.proxy = proxy;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            return new PasswordAuthentication(proxy.username(), proxy.password().toCharArray());
        }
    }

    /**
     * Parses the portal's address as a user gives it: http(s), a host, no query; a trailing slash is dropped.
     *
     * @throws ClientException (exit code 2) naming the problem
     */
    public static URI parseBase(String text) {
        String example = "an http(s) URL like https://portal.example";
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw ClientException.usage("--portal '" + text + "' is not " + example);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw ClientException.usage("--portal '" + text + "' is not " + example);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** Whether {@code base} sends passwords and tokens in clear text to another machine. */
    public static boolean insecure(URI base) {
        String host = base.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1");
        return "http".equalsIgnoreCase(base.getScheme()) && !loopback;
    }

    public URI base() {
        return base;
    }

    /** What to tell the user to run when the session ended ({@code gangway login ...}); null for none. */
    public void loginHint(String command) {
        this.loginHint = command;
    }

    // ---- calls ------------------------------------------------------------------------------------------------

    /** {@code POST /sessions}; the password and code go in the body only. */
    public Session signIn(String account, String user, String password, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", account);
        body.put("user", user);
        body.put("password", password);
        if (code != null) {
            body.put("code", code);
        }
        Answer answer = send(request("POST", "/sessions", null, body));
        expect(answer, 201, 200);
        JsonNode node = object(answer, "sign-in");
        return new Session(base.toString(), text(node, "token", "sign-in"),
                optionalText(node, "account").orElse(account), optionalText(node, "user").orElse(user),
                optionalText(node, "expiresAt").orElse(null), null);
    }

    /** {@code DELETE /sessions/current}: ends the session and its certificates. */
    public void signOut(String token) {
        Answer answer = send(request("DELETE", "/sessions/current", token, null));
        expect(answer, 204, 200);
    }

    /** {@code GET /devices}: the devices the user may see. */
    public List<Device> devices(String token) {
        Answer answer = send(request("GET", "/devices", token, null));
        expect(answer, 200);
        JsonNode devices = object(answer, "the device list").get("devices");
        if (devices == null || !devices.isArray()) {
            throw badAnswer("the device list", "devices");
        }
        List<Device> out = new ArrayList<>();
        for (JsonNode d : devices) {
            out.add(device(d));
        }
        return out;
    }

    /** {@code POST /certificate}: a client certificate for the key of {@code csrPem}. */
    public IssuedCertificate certificate(String token, String csrPem) {
        Answer answer = send(request("POST", "/certificate", token, Map.of("csr", csrPem)));
        expect(answer, 201, 200);
        String what = "the certificate request";
        JsonNode node = object(answer, what);
        JsonNode relay = node.get("relay");
        if (relay == null || !relay.isObject()) {
            throw badAnswer(what, "relay");
        }
        return new IssuedCertificate(pemCertificate(text(node, "certificate", what), what),
                pemCertificate(text(node, "ca", what), what), instant(text(node, "expiresAt", what), what),
                relayAddress(relay, what));
    }

    /**
     * {@code POST /tickets}: a ticket for one stream to {@code target} on the device, bound to the client
     * certificate with {@code fingerprint}. Does not block; fails with a {@link PortalException}.
     *
     * <p>At most {@value #MAX_TICKET_REQUESTS} ticket requests are in flight at once; the others wait, in order,
     * without holding a thread. One the portal throttles (429 {@code throttled}: too many connections at once) is
     * sent again after {@link #TICKET_RETRY_FIRST}, doubling, up to {@value #TICKET_RETRIES} times, keeping its
     * place meanwhile, so a burst of connections is slowed down rather than refused.
     */
    public CompletableFuture<Ticket> ticket(String token, String deviceId, LanTarget target, String fingerprint) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("host", target.host());
        body.put("port", target.port());
        body.put("certificate", fingerprint);
        HttpRequest request = request("POST", "/tickets", token, body);
        return ticketRequests.submit(() -> ticketAttempt(request, 0));
    }

    private CompletableFuture<Ticket> ticketAttempt(HttpRequest request, int attempt) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                return CompletableFuture.<Ticket>failedFuture(transportFailure(cause));
            }
            try {
                Answer answer = answer(response);
                expect(answer, 201, 200);
                JsonNode node = object(answer, "the ticket request");
                return CompletableFuture.completedFuture(new Ticket(text(node, "ticket", "the ticket request"),
                        optionalText(node, "expiresAt").map(t -> instant(t, "the ticket request")).orElse(null)));
            } catch (PortalException e) {
                if (e.is("throttled") && attempt < TICKET_RETRIES) {
                    long delay = TICKET_RETRY_FIRST.toMillis() << attempt;
                    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor);
                    return CompletableFuture.supplyAsync(() -> ticketAttempt(request, attempt + 1), later)
                            .<Ticket>thenCompose(f -> f);
                }
                return CompletableFuture.<Ticket>failedFuture(e);
            } catch (RuntimeException e) {
                return CompletableFuture.<Ticket>failedFuture(e);
            }
        }).thenCompose(f -> f);
    }

    /** Ticket requests in flight and waiting (for tests). */
    int[] ticketRequests() {
        return new int[] {ticketRequests.running(), ticketRequests.waiting()};
    }

    /**
     * {@code POST /devices/{id}/wake}: wakes an on-demand device (sends it the wake-up SMS), or answers the wake-up
     * already in progress, or that it is online. An always-connected device is refused with {@code not-on-demand}.
     */
    public WakeProgress wake(String token, String deviceId) {
        Answer answer = send(request("POST", "/devices/" + encode(deviceId) + "/wake", token, Map.of()));
        expect(answer, 200, 202);
        return wakeProgress(answer, "the wake-up");
    }

    /** {@code GET /devices/{id}/wake}: how far the device's latest wake-up got. */
    public WakeProgress wakeProgress(String token, String deviceId) {
        Answer answer = send(request("GET", "/devices/" + encode(deviceId) + "/wake", token, null));
        expect(answer, 200);
        return wakeProgress(answer, "the wake-up's progress");
    }

    /** {@code POST /devices/{id}/offline}: closes an on-demand device's tunnel now. */
    public void offline(String token, String deviceId) {
        Answer answer = send(request("POST", "/devices/" + encode(deviceId) + "/offline", token, Map.of()));
        expect(answer, 202, 200, 204);
    }

    private static WakeProgress wakeProgress(Answer answer, String what) {
        JsonNode node = object(answer, what);
        JsonNode inProgress = node.get("inProgress");
        return new WakeProgress(text(node, "state", what), inProgress != null && inProgress.asBoolean(),
                number(node, "estimateSeconds"), number(node, "elapsedSeconds"),
                optionalText(node, "message").map(Text::clean).orElse(""),
                optionalText(node, "smsSentAt").map(t -> instant(t, what)).orElse(null),
                optionalText(node, "diallingAt").map(t -> instant(t, what)).orElse(null),
                optionalText(node, "onlineAt").map(t -> instant(t, what)).orElse(null),
                optionalText(node, "failure").orElse(null));
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isIntegralNumber() ? Math.max(0, value.longValue()) : 0;
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    private record Answer(int status, URI uri, String location, byte[] body) {
    }

    private HttpRequest request(String method, String path, String token, Object body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + API + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Output.JSON.writeValueAsBytes(body)));
        }
        return builder.build();
    }

    private Answer send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCode.UNEXPECTED, "interrupted while waiting for the portal");
        } catch (IOException e) {
            throw transportFailure(e);
        }
        return answer(response);
    }

    private Answer answer(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 407 && proxy.isPresent()) {
            throw proxyRefusedCredentials(proxy.get());
        }
        return new Answer(status, response.uri(), response.headers().firstValue("Location").orElse(null),
                response.body() == null ? new byte[0] : response.body());
    }

    private void expect(Answer answer, int... ok) {
        for (int status : ok) {
            if (answer.status == status) {
                return;
            }
        }
        throw failure(answer);
    }

    /** The portal's error, or what the status says when the answer is not the portal's JSON. */
    private PortalException failure(Answer answer) {
        Optional<JsonNode> json = parse(answer.body);
        // only the contract's codes: a proxy or another server in front of the portal may answer JSON with an
        // "error" of its own (Spring's {"error":"Not Found"}, say), which is no refusal of the portal's
        Optional<String> code = json.filter(JsonNode::isObject).flatMap(n -> optionalText(n, "error"))
                .filter(KNOWN_ERRORS::contains);
        if (code.isPresent()) {
            String message = json.flatMap(n -> optionalText(n, "message")).map(Text::clean)
                    .filter(m -> !m.isEmpty()).orElse(null);
            return PortalException.refusal(answer.status, code.get(), sentence(code.get(), message));
        }
        int status = answer.status;
        if (status >= 300 && status < 400) {
            return new PortalException(ExitCode.UNREACHABLE, status, null, "the portal at " + base + " redirects to "
                    + Text.clean(answer.location == null ? "elsewhere" : answer.location)
                    + "; if that is the portal, give that address with --portal");
        }
        if (status == 502 || status == 503 || status == 504) {
            return new PortalException(ExitCode.UNREACHABLE, status, null, "the portal at " + base
                    + " is not available (HTTP " + status + "); try again later");
        }
        if (status == 404 || status == 405) {
            return new PortalException(ExitCode.UNREACHABLE, status, null, "HTTP " + status + " for "
                    + answer.uri.getPath() + ": check that " + base + " is the portal's address (and that the portal"
                    + " has the client API)");
        }
        if (status >= 500) {
            return new PortalException(ExitCode.UNREACHABLE, status, null, "the portal answered HTTP " + status
                    + " (not the portal's own error; a proxy or server in front of it?); try again later");
        }
        return new PortalException(ExitCode.UNEXPECTED, status, null, "the portal answered HTTP " + status
                + " without an explanation");
    }

    /** The portal's sentence, or ours when it gave none; the session-ended one always says how to sign in. */
    private String sentence(String code, String message) {
        if (code.equals("session-ended")) {
            String hint = loginHint;
            return "not signed in: the session has ended (signed out, expired or ended by an administrator)"
                    + (message == null ? "" : "; the portal says: \"" + message + "\"")
                    + (hint == null ? "" : "; run " + hint);
        }
        if (message != null) {
            return message;
        }
        return switch (code) {
            case "bad-credentials" -> "sign-in refused: wrong account, user or password";
            case "two-factor-required" -> "sign-in needs a two-factor code: give it with --code CODE";
            case "two-factor-wrong" -> "sign-in refused: the two-factor code is wrong or was already used";
            case "signin-refused" -> "sign-in refused by the portal";
            case "throttled" -> "too many attempts: wait a little and try again";
            case "too-many-certificates" -> "this session holds too many client certificates; sign in again";
            case "no-right" -> "you do not have the right for this";
            case "no-such-device" -> "no such device among the devices you may see";
            case "device-offline" -> "the device is offline";
            default -> "the portal refused: " + Text.clean(code);
        };
    }

    private PortalException transportFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (bridge != null && bridge.lastFailure() != null) {
            return PortalException.unreachable(bridge.lastFailure().getMessage(), e);
        }
        if (proxy.isPresent()) {
            ProxySettings p = proxy.get();
            // The JDK gives up on a proxy that keeps answering 407 with one of these (tunnel or plain request).
            if (p.username() != null && (message.contains("authentication attempts")
                    || message.equals("Too many retries"))) {
                return proxyRefusedCredentials(p);
            }
            if (message.contains("407")) {
                return proxyRefusedCredentials(p);
            }
            if (e instanceof ConnectException && !(e.getCause() instanceof UnresolvedAddressException)) {
                return PortalException.unreachable("cannot reach the HTTP proxy " + p.where()
                        + ": connection refused", e);
            }
            if (message.toLowerCase(Locale.ROOT).contains("tunnel")) {
                return PortalException.unreachable("the HTTP proxy " + p.where() + " refused to connect to the portal "
                        + base.getHost() + " (" + Text.clean(message) + ")", e);
            }
        }
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException
                || e instanceof UnresolvedAddressException) {
            why = "unknown host " + base.getHost();
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof SSLException) {
            why = "TLS failed (" + Text.clean(message) + "); if the portal has its own CA, give its certificate"
                    + " with --portal-ca FILE";
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + Text.clean(message) + ")");
        }
        return PortalException.unreachable("cannot reach the portal at " + base + ": " + why, e);
    }

    private static PortalException proxyRefusedCredentials(ProxySettings proxy) {
        return new PortalException(ExitCode.UNREACHABLE, 407, null, proxy.username() == null
                ? "the HTTP proxy " + proxy.where() + " asks for credentials (407); give --proxy-user and"
                        + " --proxy-password-file"
                : "the HTTP proxy " + proxy.where() + " refused the credentials (407) of user '" + proxy.username()
                        + "'; check --proxy-user and the password in --proxy-password-file");
    }

    // ---- JSON -------------------------------------------------------------------------------------------------

    private static Optional<JsonNode> parse(byte[] body) {
        try {
            return Optional.ofNullable(Output.JSON.readTree(body));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static JsonNode object(Answer answer, String what) {
        return parse(answer.body).filter(JsonNode::isObject).orElseThrow(() -> new PortalException(
                ExitCode.UNEXPECTED, answer.status, null, "the portal's answer to " + what + " is not JSON; is "
                        + answer.uri.getHost() + " the portal?"));
    }

    private static PortalException badAnswer(String what, String field) {
        return new PortalException(ExitCode.UNEXPECTED, 0, null, "the portal's answer to " + what + " has no valid '"
                + field + "'; is the portal of the same version as this client?");
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() && !value.stringValue().isBlank()
                ? Optional.of(value.stringValue()) : Optional.empty();
    }

    private static String text(JsonNode node, String field, String what) {
        return optionalText(node, field).orElseThrow(() -> badAnswer(what, field));
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        JsonNode array = node.get(field);
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (n.isString()) {
                    out.add(n.stringValue());
                }
            }
        }
        return out;
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isBoolean() && value.booleanValue();
    }

    private static Device device(JsonNode d) {
        String what = "the device list";
        if (!d.isObject()) {
            throw badAnswer(what, "devices");
        }
        List<DeviceService> services = new ArrayList<>();
        JsonNode array = d.get("services");
        if (array != null && array.isArray()) {
            for (JsonNode s : array) {
                JsonNode port = s.get("port");
                if (!s.isObject() || port == null || !port.isIntegralNumber()) {
                    throw badAnswer(what, "services");
                }
                services.add(new DeviceService(text(s, "name", what), optionalText(s, "kind").orElse("tcp"),
                        text(s, "host", what), port.asInt()));
            }
        }
        boolean online = bool(d, "online");
        return new Device(text(d, "id", what), text(d, "name", what), online,
                optionalText(d, "status").orElse(online ? "online" : "offline"), strings(d, "pools"), services,
                strings(d, "rights"), bool(d, "onDemand"));
    }

    private static InetSocketAddress relayAddress(JsonNode relay, String what) {
        String host = text(relay, "host", what);
        JsonNode port = relay.get("port");
        if (port == null || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
            throw badAnswer(what, "relay.port");
        }
        return InetSocketAddress.createUnresolved(host, port.asInt());
    }

    private static X509Certificate pemCertificate(String pem, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw new PortalException(ExitCode.UNEXPECTED, 0, null, "the portal's answer to " + what
                    + " holds no valid certificate (" + e.getMessage() + ")");
        }
    }

    private static Instant instant(String text, String what) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw badAnswer(what, "expiresAt");
            }
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
