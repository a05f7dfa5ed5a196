package dev.gangway.agent.setup;

import dev.gangway.agent.identity.Pem;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.tunnel.ProxySettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A verified Easy Setup file ({@code gangway-setup.json}), made by the portal for a USB stick or SD card:
 *
 * <pre>
 * {"format":"gangway-easy-setup","version":1,
 *  "payload":"&lt;base64url of the payload JSON&gt;",
 *  "signature":"&lt;base64url DER ECDSA signature&gt;",
 *  "ca":"&lt;the portal's CA certificate, PEM&gt;"}
 * payload: {"portal","activationKey","deviceId","deviceName","issuedAt","expiresAt",
 *           "proxy":null|{"host","port","auth":"none|basic|ntlm","username","password","domain"}}
 * </pre>
 *
 * The signature is SHA256withECDSA by the CA's key over {@code "gangway-easy-setup-v1\n"} followed by the payload's
 * exact bytes; it is checked with the CA certificate in the file. That proves the payload is what a portal holding
 * that CA's key wrote; which portal that is, the registration then proves: the portal that answers must present the
 * same CA ({@link #ca()}), and {@code portal:} in agent.yml, when set, must name the file's portal.
 *
 * <p>Everything in a file is hostile until checked: at most {@value #MAX_BYTES} bytes, duplicate JSON keys refused,
 * every field type-checked, the payload parsed only after its signature matched. A file that was used (its key removed
 * by {@link EasySetupMedium#markUsed}) is refused as {@link EasySetupException.Reason#USED}. Immutable;
 * {@link #toString()} never shows the activation key or a proxy password.
 *
 * @param portal the portal to register with (as {@link PortalApi#parseBase} gives it)
 * @param activationKey the one-time key
 * @param deviceId the portal's id of the device
 * @param deviceName its name in the portal
 * @param issuedAt when the portal made the file
 * @param expiresAt when the activation key expires
 * @param proxy the HTTP proxy to reach the portal and the relay through, if the site needs one
 * @param ca the portal's CA certificate the file was signed with
 */
public record EasySetupFile(URI portal, String activationKey, String deviceId, String deviceName, Instant issuedAt,
        Instant expiresAt, Optional<ProxySettings> proxy, X509Certificate ca) {

    public static final String FORMAT = "gangway-easy-setup";
    public static final int VERSION = 1;
    /** The statement purpose the portal signs with ({@code CertificateAuthority.signStatement}). */
    public static final String PURPOSE = "easy-setup-v1";
    /** Far more than a file with a CA certificate and a proxy needs. */
    public static final int MAX_BYTES = 64 * 1024;
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 -]{0,199}");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,253}");
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public EasySetupFile {
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(activationKey, "activationKey");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(ca, "ca");
    }

    /**
     * Checks a file's content: format, signature (with the file's own CA certificate), fields and expiry at
     * {@code now}.
     *
     * @throws EasySetupException with a sentence for the person at the machine
     */
    public static EasySetupFile verify(byte[] content, Instant now) throws EasySetupException {
        if (content.length > MAX_BYTES) {
            throw malformed("it is larger than " + MAX_BYTES / 1024 + " KiB, so it is not one the portal made");
        }
        JsonNode outer = parse(content, "it is not readable JSON");
        if (!outer.isObject()) {
            throw malformed("it is not a JSON object");
        }
        if (!FORMAT.equals(text(outer, "format"))) {
            throw malformed("'format' is not \"" + FORMAT + "\"");
        }
        JsonNode version = outer.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw malformed("'version' is missing");
        }
        if (version.asLong() != VERSION) {
            throw new EasySetupException(EasySetupException.Reason.UNSUPPORTED, "the Easy Setup file has version "
                    + version.asLong() + ", which this agent does not know — update the agent, or download the file"
                    + " from a portal of the same release");
        }
        JsonNode used = outer.get("used");
        if (used != null) {
            throw usedBefore(used);
        }
        X509Certificate ca = ca(text(outer, "ca"));
        byte[] payload = base64url(text(outer, "payload"), "payload");
        byte[] signature = base64url(text(outer, "signature"), "signature");
        if (!signatureMatches(ca, payload, signature)) {
            throw new EasySetupException(EasySetupException.Reason.TAMPERED, "the Easy Setup file was changed after "
                    + "the portal made it (signature does not match) — download a new one");
        }
        return fromPayload(parse(payload, "its payload is not readable JSON"), ca, now);
    }

    private static EasySetupFile fromPayload(JsonNode payload, X509Certificate ca, Instant now)
            throws EasySetupException {
        if (!payload.isObject()) {
            throw malformed("its payload is not a JSON object");
        }
        URI portal;
        try {
            portal = PortalApi.parseBase(required(payload, "portal"));
        } catch (IllegalArgumentException e) {
            throw malformed("'portal' is not a portal address: " + e.getMessage());
        }
        String key = required(payload, "activationKey");
        if (!KEY.matcher(key).matches()) {
            throw malformed("'activationKey' is not an activation key");
        }
        String deviceId = required(payload, "deviceId");
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw malformed("'deviceId' is not a device id");
        }
        String deviceName = printable(required(payload, "deviceName"));
        Instant issuedAt = instant(payload, "issuedAt");
        Instant expiresAt = instant(payload, "expiresAt");
        Optional<ProxySettings> proxy = proxy(payload.get("proxy"));
        if (!now.isBefore(expiresAt)) {
            throw new EasySetupException(EasySetupException.Reason.EXPIRED, "the Easy Setup file for " + deviceName
                    + " expired on " + expiresAt.truncatedTo(ChronoUnit.SECONDS) + " — make a new activation key in"
                    + " the portal and download a new file");
        }
        return new EasySetupFile(portal, key, deviceId, deviceName, issuedAt, expiresAt, proxy, ca);
    }

    /** The {@code proxy} object of the payload; null or absent means direct. */
    static Optional<ProxySettings> proxy(JsonNode node) throws EasySetupException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw malformed("'proxy' is not an object");
        }
        String host = required(node, "host");
        if (!HOST.matcher(host).matches()) {
            throw malformed("'proxy.host' is not a host name or address");
        }
        JsonNode portNode = node.get("port");
        if (portNode == null || !portNode.isIntegralNumber() || portNode.asLong() < 1 || portNode.asLong() > 65535) {
            throw malformed("'proxy.port' is not a TCP port (1-65535)");
        }
        String unbracketed = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetSocketAddress address = InetSocketAddress.createUnresolved(unbracketed, portNode.asInt());
        String auth = optional(node, "auth");
        String username = optional(node, "username");
        String password = optional(node, "password");
        String domain = optional(node, "domain");
        if (auth == null || auth.equals("none")) {
            if (username != null || password != null) {
                throw malformed("'proxy' has a user name or password but 'auth' is none");
            }
            return Optional.of(ProxySettings.unauthenticated(address));
        }
        ProxySettings.Scheme scheme = ProxySettings.Scheme.parse(auth);
        if (scheme == null) {
            throw malformed("'proxy.auth' is '" + printable(auth) + "', not none, basic or ntlm");
        }
        if (username == null || password == null || username.indexOf(':') >= 0) {
            throw malformed("'proxy' with " + auth + " authentication needs a user name (without ':') and a "
                    + "password");
        }
        if (domain != null && scheme != ProxySettings.Scheme.NTLM) {
            throw malformed("'proxy.domain' is only for ntlm");
        }
        return Optional.of(scheme == ProxySettings.Scheme.NTLM
                ? ProxySettings.ntlm(address, domain, username, password)
                : new ProxySettings(address, username, password));
    }

    private static EasySetupException usedBefore(JsonNode used) {
        String who = "";
        if (used.isObject()) {
            String name = safe(used, "deviceName");
            String id = safe(used, "deviceId");
            String at = safe(used, "at");
            who = (name.isEmpty() ? "" : " " + name) + (id.isEmpty() ? "" : " (" + id + ")")
                    + (at.isEmpty() ? "" : " on " + at);
        }
        return new EasySetupException(EasySetupException.Reason.USED, "the Easy Setup file was already used to "
                + "register" + (who.isEmpty() ? " a device" : who) + " and holds no activation key any more — to "
                + "register this machine, make a new activation key in the portal and download a new file");
    }

    private static X509Certificate ca(String pem) throws EasySetupException {
        if (pem == null) {
            throw malformed("'ca' (the portal's CA certificate) is missing");
        }
        List<X509Certificate> certificates;
        try {
            certificates = Pem.certificates(pem);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw malformed("'ca' is not a PEM certificate");
        }
        if (certificates.size() != 1) {
            throw malformed("'ca' must hold exactly one certificate");
        }
        X509Certificate ca = certificates.get(0);
        if (ca.getBasicConstraints() < 0) {
            throw malformed("'ca' is not a CA certificate");
        }
        return ca;
    }

    static boolean signatureMatches(X509Certificate ca, byte[] payload, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(ca.getPublicKey());
            verifier.update(("gangway-" + PURPOSE + "\n").getBytes(StandardCharsets.US_ASCII));
            verifier.update(payload);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a key of another type, a signature that is not DER: either way it does not match
            return false;
        }
    }

    private static JsonNode parse(byte[] bytes, String problem) throws EasySetupException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw malformed(problem);
            }
            return node;
        } catch (JacksonException e) {
            throw malformed(problem);
        }
    }

    private static byte[] base64url(String text, String field) throws EasySetupException {
        if (text == null || text.isEmpty()) {
            throw malformed("'" + field + "' is missing");
        }
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed("'" + field + "' is not base64url");
        }
    }

    private static Instant instant(JsonNode node, String field) throws EasySetupException {
        try {
            return Instant.parse(required(node, field));
        } catch (DateTimeException e) {
            throw malformed("'" + field + "' is not a time like 2026-11-27T08:00:00Z");
        }
    }

    private static String required(JsonNode node, String field) throws EasySetupException {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            throw malformed("'" + field + "' is missing");
        }
        return value;
    }

    /** A string field, null when absent, null or empty; anything else is an error. */
    private static String optional(JsonNode node, String field) throws EasySetupException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw malformed("'" + field + "' is not a text");
        }
        return value.stringValue().isEmpty() ? null : value.stringValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? null : value.stringValue();
    }

    private static String safe(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? "" : printable(value);
    }

    /** At most 100 printable characters: names from a file go into log lines. */
    static String printable(String value) {
        String cleaned = value.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) + "…" : cleaned;
    }

    private static EasySetupException malformed(String problem) {
        return new EasySetupException(EasySetupException.Reason.MALFORMED, "this is not a usable Easy Setup file ("
                + problem + ") — download a new one from the portal's activation page");
    }

    @Override
    public String toString() {
        return "EasySetupFile[portal " + portal + ", device " + deviceName + " (" + deviceId + "), expires "
                + expiresAt + proxy.map(p -> ", " + p).orElse("") + "]";
    }
}
