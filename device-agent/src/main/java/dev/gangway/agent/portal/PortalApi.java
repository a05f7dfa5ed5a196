package dev.gangway.agent.portal;

import dev.gangway.agent.identity.Pem;
import dev.gangway.tunnel.ProxyBridge;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
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
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the portal's agent API. Redirects are followed only to the same host, only 307/308 (they keep the
 * method and body), and never from https to http: the activation key must not travel anywhere else.
 *
 * <h2>HTTP proxy</h2> With a {@link ProxySettings} every call goes through that proxy ({@code CONNECT} for an
 * https portal, a proxied request for an http one), answering its Basic challenge with the configured user. The
 * JDK refuses Basic for {@code CONNECT} unless {@code jdk.http.auth.tunneling.disabledSchemes} is set before its
 * HTTP client is first used; this class clears it (unless the operator set it) when it is loaded, and the agent
 * creates no other HTTP client. The JDK cannot do NTLM: with an NTLM proxy the calls go through a
 * {@link ProxyBridge} on loopback that opens each {@code CONNECT} with NTLM, so the portal must be https (with a
 * plain-http portal every call fails with a message saying so).
 */
public final class PortalApi {

    static final String REGISTER_PATH = "/api/agent/v1/register";
    static final String REGISTER_BY_NAME_PATH = "/api/agent/v1/register-by-name";
    static final String RELAY_PATH = "/api/agent/v1/relay";
    static final String SITE_ACCESS_PATH = "/api/agent/v1/site-access";
    static final String WAKE_PROGRESS_PATH = "/api/agent/v1/wake-progress";
    /** Header carrying the device's signature of a site-access report's body. */
    public static final String SIGNATURE_HEADER = "Gangway-Signature";
    /** How a site-access report is signed: by the device's EC key over the exact body bytes. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final int MAX_REDIRECTS = 3;
    private static final int MAX_BODY = 1 << 20;
    private static final int MAX_ERROR_SENTENCE = 300;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    static {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    private final URI base;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String userAgent;
    private final Optional<ProxySettings> proxy;
    /** The loopback bridge to an NTLM proxy, or null. */
    private final ProxyBridge bridge;
    /** Why no call can work (an NTLM proxy with a plain-http portal), or null. */
    private final String refusal;

    public PortalApi(URI base, Duration connectTimeout, Duration requestTimeout, String agentVersion) {
        this(base, connectTimeout, requestTimeout, agentVersion, Optional.empty());
    }

    /** Calls the portal through {@code proxy} when present. */
    public PortalApi(URI base, Duration connectTimeout, Duration requestTimeout, String agentVersion,
            Optional<ProxySettings> proxy) {
        this.base = base;
        this.requestTimeout = requestTimeout;
        this.userAgent = "gangway-agent/" + agentVersion;
        this.proxy = proxy;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        ProxyBridge ntlmBridge = null;
        String refusal = null;
        if (proxy.isPresent() && proxy.get().scheme() == ProxySettings.Scheme.NTLM) {
            // The JDK's client cannot do NTLM: it goes through a loopback bridge that opens each CONNECT with NTLM.
            if (!"https".equalsIgnoreCase(base.getScheme())) {
                refusal = "with an NTLM proxy the portal address must be https (" + base + " is plain http); fix"
                        + " the portal address";
            } else {
                ntlmBridge = ProxyBridge.start(proxy.get());
                builder.proxy(ProxySelector.of(ntlmBridge.address()));
            }
        } else {
            proxy.ifPresent(p -> {
                builder.proxy(ProxySelector.of(p.address()));
                if (p.username() != null) {
                    builder.authenticator(new ProxyAuthenticator(p));
                }
            });
        }
        this.bridge = ntlmBridge;
        this.refusal = refusal;
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
     * Parses a proxy given as {@code host:port} ({@code [v6]:port} for IPv6); the name stays unresolved.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static InetSocketAddress parseProxy(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        String example = "host:port like proxy.example:3128";
        if (colon <= 0 || colon == t.length() - 1 || t.contains("/")) {
            throw new IllegalArgumentException("'" + text + "' is not " + example);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "' is not " + example + " (write IPv6 as [::1]:3128)");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no port; it must be " + example);
        }
        if (port < 1 || port > 65535 || host.isBlank()) {
            throw new IllegalArgumentException("'" + text + "' is not " + example);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Parses a portal address given by a user: http(s), a host, no query; a trailing slash is dropped.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static URI parseBase(String text) {
        String example = "an http(s) URL like http://portal.example:8080";
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + example);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' is not " + example);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    public URI base() {
        return base;
    }

    /** {@code POST /api/agent/v1/register}; the activation key goes in the body only, never in a log. */
    public Registration register(String activationKey, String csrPem, String serial, String agentVersion)
            throws PortalException {
        return register(activationKey, csrPem, serial, agentVersion, null);
    }

    /**
     * {@code POST /api/agent/v1/register} for a device bound to an account: the portal refuses a key of another
     * account.
     *
     * @param account the account the key must belong to, or null for any
     */
    public Registration register(String activationKey, String csrPem, String serial, String agentVersion,
            String account) throws PortalException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("activationKey", activationKey);
        body.put("csr", csrPem);
        body.put("serial", serial);
        body.put("agentVersion", agentVersion);
        if (account != null) {
            body.put("account", account);
        }
        byte[] json = JSON.writeValueAsBytes(body);
        Answer answer = send(uri(REGISTER_PATH), () -> HttpRequest.BodyPublishers.ofByteArray(json));
        if (answer.status != 200 && answer.status != 201) {
            throw refusal(answer);
        }
        JsonNode node = parse(answer);
        return new Registration(required(node, "deviceId"), required(node, "deviceName"),
                required(node, "certificate"), required(node, "caCertificate"), required(node, "relayHost"),
                port(node, "relayPort"));
    }

    /**
     * {@code POST /api/agent/v1/register-by-name}: registers with a portal user's credentials and a device name. The
     * password and code go in the body only, never in a log. A refusal carries the portal's error code
     * ({@link PortalException#code()}: {@code two-factor-required} asks for a code).
     *
     * @param code the two-factor code, or null
     * @param pool the pool's name, or null for the only pool where the user may add devices
     */
    public Registration registerByName(String account, String user, String password, String code, String deviceName,
            String pool, String csrPem, String serial, String agentVersion) throws PortalException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("account", account);
        body.put("user", user);
        body.put("password", password);
        if (code != null) {
            body.put("code", code);
        }
        body.put("deviceName", deviceName);
        if (pool != null) {
            body.put("pool", pool);
        }
        body.put("serial", serial);
        body.put("csr", csrPem);
        body.put("agentVersion", agentVersion);
        byte[] json = JSON.writeValueAsBytes(body);
        Answer answer = send(uri(REGISTER_BY_NAME_PATH), () -> HttpRequest.BodyPublishers.ofByteArray(json));
        if (answer.status != 200 && answer.status != 201) {
            Optional<String[]> coded = codedError(answer.body);
            if (coded.isPresent()) {
                throw new PortalException(PortalException.Kind.REFUSED, coded.get()[1], answer.status,
                        coded.get()[0]);
            }
            throw refusal(answer);
        }
        JsonNode node = parse(answer);
        return new Registration(required(node, "deviceId"), required(node, "deviceName"),
                required(node, "certificate"), required(node, "caCertificate"), required(node, "relayHost"),
                port(node, "relayPort"));
    }

    /** {@code {"error":"<code>","message":"<sentence>"}} as {code, sentence}, if the body is that. */
    static Optional<String[]> codedError(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode error = node == null ? null : node.get("error");
            JsonNode message = node == null ? null : node.get("message");
            if (error != null && error.isString() && message != null && message.isString()
                    && !message.stringValue().isBlank()) {
                return Optional.of(new String[] {clean(error.stringValue()), clean(message.stringValue())});
            }
        } catch (JacksonException e) {
            // not JSON: the caller describes the status instead
        }
        return Optional.empty();
    }

    /** {@code GET /api/agent/v1/relay?device=<id>}: which relay this device should dial now. */
    public RelayAddress relay(String deviceId) throws PortalException {
        Answer answer = send(uri(RELAY_PATH + "?device=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)), null);
        if (answer.status != 200) {
            throw refusal(answer);
        }
        JsonNode node = parse(answer);
        return new RelayAddress(required(node, "relayHost"), port(node, "relayPort"));
    }

    /**
     * {@code POST /api/agent/v1/site-access}: tells the portal whether remote access is enabled on site (the key
     * switch). There is no session and no client certificate on this leg (the portal may be plain HTTP behind a
     * proxy), so the body carries the device certificate and is signed with the device's key
     * ({@value #SIGNATURE_ALGORITHM}, base64 in {@value #SIGNATURE_HEADER}); {@code at} orders the reports and lets the
     * portal refuse replays.
     *
     * @throws PortalException refused ({@link PortalException#status()} 409 means the portal already holds a newer
     *     report), unreachable or unusable
     */
    public void reportSiteAccess(String deviceId, boolean enabled, boolean keySwitch, Instant at,
            X509Certificate certificate, PrivateKey key) throws PortalException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("enabled", enabled);
        body.put("keySwitch", keySwitch);
        body.put("at", at.toString());
        sendSigned(SITE_ACCESS_PATH, body, certificate, key);
    }

    /**
     * {@code POST /api/agent/v1/wake-progress}: tells the portal how far an on-demand device got after a wake-up SMS
     * ({@code state} {@code dialling}: the SMS was accepted and the agent is opening its tunnel), so that the user who
     * pressed Connect sees it. Signed with the device key like {@link #reportSiteAccess}; the body is
     * {@code {"deviceId","wake":<the SMS's epoch seconds>,"state","at","certificate"}}.
     *
     * @throws PortalException refused, unreachable or unusable
     */
    public void reportWakeProgress(String deviceId, long wake, String state, Instant at, X509Certificate certificate,
            PrivateKey key) throws PortalException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("wake", wake);
        body.put("state", state);
        body.put("at", at.toString());
        sendSigned(WAKE_PROGRESS_PATH, body, certificate, key);
    }

    /** Adds the certificate, signs the exact body bytes with the device key and posts them; 200 or 204 is success. */
    private void sendSigned(String path, Map<String, Object> body, X509Certificate certificate, PrivateKey key)
            throws PortalException {
        byte[] json;
        String signature;
        try {
            body.put("certificate", Pem.certificate(certificate));
            json = JSON.writeValueAsBytes(body);
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(json);
            signature = Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "cannot sign the report with the device key: "
                    + e.getMessage(), e);
        }
        Answer answer = send(uri(path), () -> HttpRequest.BodyPublishers.ofByteArray(json),
                Map.of(SIGNATURE_HEADER, signature));
        if (answer.status != 200 && answer.status != 204) {
            throw refusal(answer);
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private record Answer(int status, URI uri, String contentType, byte[] body) {
    }

    private Answer send(URI target, Supplier<HttpRequest.BodyPublisher> body) throws PortalException {
        return send(target, body, Map.of());
    }

    private Answer send(URI target, Supplier<HttpRequest.BodyPublisher> body, Map<String, String> headers)
            throws PortalException {
        if (refusal != null) {
            throw new PortalException(PortalException.Kind.REFUSED, refusal);
        }
        URI uri = target;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", "application/json")
                    .header("User-Agent", userAgent);
            headers.forEach(request::header);
            if (body == null) {
                request.GET();
            } else {
                request.header("Content-Type", "application/json").POST(body.get());
            }
            HttpResponse<InputStream> response;
            byte[] bytes;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    bytes = in.readNBytes(MAX_BODY + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PortalException(PortalException.Kind.UNREACHABLE, "interrupted while asking the portal");
            } catch (IOException e) {
                if (bridge != null && bridge.lastFailure() != null) {
                    throw new PortalException(PortalException.Kind.UNREACHABLE, bridge.lastFailure().getMessage(), e);
                }
                // The JDK gives up on a proxy that keeps answering 407 with one of these (tunnel or plain request).
                String message = String.valueOf(e.getMessage());
                if (proxy.isPresent() && proxy.get().username() != null
                        && (message.contains("authentication attempts") || message.equals("Too many retries"))) {
                    throw proxyRefusedCredentials(proxy.get());
                }
                throw unreachable(uri, e);
            }
            if (bytes.length > MAX_BODY) {
                throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's answer is larger than 1 MiB");
            }
            int status = response.statusCode();
            if (status == 407 && proxy.isPresent()) {
                throw proxyRefusedCredentials(proxy.get());
            }
            if ((status == 307 || status == 308) && hop < MAX_REDIRECTS) {
                Optional<URI> next = response.headers().firstValue("Location").map(l -> resolve(response.uri(), l));
                if (next.isPresent() && sameHostNoDowngrade(response.uri(), next.get())) {
                    uri = next.get();
                    continue;
                }
            }
            if (status >= 300 && status < 400) {
                String location = response.headers().firstValue("Location").orElse("elsewhere");
                throw new PortalException(PortalException.Kind.REFUSED, "the portal redirects to "
                        + clean(location) + "; if that is the portal, use its address with --portal");
            }
            return new Answer(status, response.uri(),
                    response.headers().firstValue("Content-Type").orElse(""), bytes);
        }
    }

    private static URI resolve(URI from, String location) {
        try {
            return from.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return from;
        }
    }

    private static boolean sameHostNoDowngrade(URI from, URI to) {
        if (to.getHost() == null || !to.getHost().equalsIgnoreCase(from.getHost())) {
            return false;
        }
        String toScheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        return toScheme.equals("https") || (toScheme.equals("http") && "http".equalsIgnoreCase(from.getScheme()));
    }

    private static PortalException proxyRefusedCredentials(ProxySettings proxy) {
        return new PortalException(PortalException.Kind.REFUSED, proxy.username() == null
                ? "the HTTP proxy " + proxy.where() + " asks for credentials (407); give a proxy user name and password"
                : "the HTTP proxy " + proxy.where() + " refused the credentials (407) of user '" + proxy.username()
                        + "'; check the proxy user name and password");
    }

    private PortalException unreachable(URI uri, IOException e) {
        if (proxy.isPresent() && e instanceof ConnectException && !(e.getCause() instanceof UnresolvedAddressException)) {
            // With a proxy, the only connection the client makes is to the proxy.
            return new PortalException(PortalException.Kind.UNREACHABLE,
                    "cannot reach the HTTP proxy " + proxy.get().where() + ": connection refused", e);
        }
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection within the timeout";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + requestTimeout.toSeconds() + " s";
        } else if (e instanceof ConnectException && e.getCause() instanceof UnresolvedAddressException
                || e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException) {
            why = "unknown host " + uri.getHost();
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof SSLException) {
            why = "TLS failed (" + clean(String.valueOf(e.getMessage())) + ")";
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + clean(e.getMessage()) + ")");
        }
        return new PortalException(PortalException.Kind.UNREACHABLE,
                "cannot reach the portal at " + base + ": " + why, e);
    }

    /** The portal's {@code {"error": "..."}} sentence, or a description of the status. */
    private static PortalException refusal(Answer answer) {
        Optional<String> sentence = errorSentence(answer.body);
        if (sentence.isPresent()) {
            return new PortalException(PortalException.Kind.REFUSED, sentence.get(), answer.status);
        }
        if (answer.status == 502 || answer.status == 503 || answer.status == 504) {
            return new PortalException(PortalException.Kind.UNREACHABLE,
                    "the portal is not available (HTTP " + answer.status + "); try again later", answer.status);
        }
        if (answer.status == 404) {
            return new PortalException(PortalException.Kind.REFUSED, "HTTP 404 for " + answer.uri.getPath()
                    + "; check that the address is the portal's (e.g. http://portal.example:8080)", 404);
        }
        return new PortalException(PortalException.Kind.REFUSED, "the portal answered HTTP " + answer.status
                + " without an explanation", answer.status);
    }

    static Optional<String> errorSentence(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode error = node == null ? null : node.get("error");
            if (error != null && error.isString() && !error.stringValue().isBlank()) {
                return Optional.of(clean(error.stringValue()));
            }
        } catch (JacksonException e) {
            // not JSON: the caller describes the status instead
        }
        return Optional.empty();
    }

    private static JsonNode parse(Answer answer) throws PortalException {
        try {
            JsonNode node = JSON.readTree(answer.body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's answer is not a JSON object");
    }

    private static String required(JsonNode node, String field) throws PortalException {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.asString().isBlank()) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's answer has no '" + field + "'");
        }
        return value.asString();
    }

    private static int port(JsonNode node, String field) throws PortalException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || value.asInt() < 1 || value.asInt() > 65535) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's answer has no valid '" + field + "'");
        }
        return value.asInt();
    }

    /** Drops control and bidi characters and caps the length: the text comes from the network and goes to a terminal. */
    static String clean(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            boolean control = Character.isISOControl(cp) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
            out.appendCodePoint(control ? ' ' : cp);
        });
        String s = out.toString().strip();
        return s.length() > MAX_ERROR_SENTENCE ? s.substring(0, MAX_ERROR_SENTENCE) + "…" : s;
    }
}
