package dev.gangway.agent.config;

import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code run}'s YAML file into an {@link AgentConfig}. Unknown keys are errors (a typo must not silently
 * drop a setting); every message names the file, the field and the fix.
 */
public final class ConfigLoader {

    /** Files {@code register} writes; {@code run} needs all of them. */
    public static final List<String> IDENTITY_FILES = List.of("device-cert.pem", "device-key.pem", "ca.pem",
            "device.json");

    private static final List<String> TOP_KEYS = List.of("identity", "portal", "keepalive-seconds",
            "backoff-min-seconds", "backoff-max-seconds", "services", "proxy", "key-switch", "alarms", "easy-setup", "sms",
            "on-demand");
    private static final List<String> PROXY_KEYS = List.of("host", "port", "auth", "domain", "workstation", "username",
            "password", "password-file");
    private static final int MAX_PASSWORD_FILE = 4096;
    private static final List<String> SERVICE_KEYS = List.of("name", "kind", "host", "port");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}(%[a-z0-9._-]{1,32})?");
    private static final long MAX_SECONDS = 3600;

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path file;
    private final String source;

    private ConfigLoader(Path file) {
        this.file = file;
        this.source = file.toString();
    }

    /** Reads and validates {@code file}; relative paths in it are resolved against the file's directory. */
    public static AgentConfig load(Path file) throws ConfigException {
        return new ConfigLoader(file).load();
    }

    private AgentConfig load() throws ConfigException {
        JsonNode root = readTree();
        for (String key : root.propertyNames()) {
            if (!TOP_KEYS.contains(key)) {
                throw unknownKey(key, key, TOP_KEYS);
            }
        }
        Optional<EasySetupConfig> easySetup = new EasySetupSection(this).read(present(root, "easy-setup"));
        Optional<SmsConfig> sms = new SmsSection(this).read(present(root, "sms"));
        Optional<OnDemandConfig> onDemand = new OnDemandSection(this).read(present(root, "on-demand"), sms);
        Path identity = identity(present(root, "identity"),
                easySetup.isPresent() || sms.flatMap(SmsConfig::registerAccount).isPresent());
        Optional<URI> portal = portal(present(root, "portal"));
        Duration keepalive = seconds(present(root, "keepalive-seconds"), "keepalive-seconds",
                AgentConfig.DEFAULT_KEEPALIVE, 5, true);
        Duration backoffMin = seconds(present(root, "backoff-min-seconds"), "backoff-min-seconds",
                AgentConfig.DEFAULT_BACKOFF_MIN, 0, false);
        Duration backoffMax = seconds(present(root, "backoff-max-seconds"), "backoff-max-seconds",
                backoffMin.compareTo(AgentConfig.DEFAULT_BACKOFF_MAX) > 0 ? backoffMin : AgentConfig.DEFAULT_BACKOFF_MAX,
                0, false);
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw error("backoff-max-seconds", seconds(backoffMax) + " is shorter than backoff-min-seconds ("
                    + seconds(backoffMin) + "); make it at least " + seconds(backoffMin));
        }
        List<ServiceConfig> services = services(present(root, "services"));
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services,
                proxy(present(root, "proxy")), new KeySwitchSection(this).read(present(root, "key-switch")),
                new AlarmsSection(this).read(present(root, "alarms"), identity), easySetup, sms, onDemand);
    }

    private JsonNode readTree() throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.file(source, "no such file; pass the agent's YAML configuration with --config");
        } catch (IOException e) {
            throw ConfigException.file(source, "cannot read it (" + e.getMessage() + ")");
        }
        if (text.isBlank()) {
            throw ConfigException.file(source, "the file is empty; it needs at least 'identity:' and 'services:'");
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            TokenStreamLocation where = e.getLocation();
            String at = where == null || where.getLineNr() < 1 ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw ConfigException.file(source, "not valid YAML" + at + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw ConfigException.file(source, "the file is empty; it needs at least 'identity:' and 'services:'");
        }
        if (!root.isObject()) {
            throw ConfigException.file(source,
                    "the file must be a mapping of settings like 'identity: ./gangway-agent-identity', not "
                            + describe(root));
        }
        return root;
    }

    /**
     * @param mayBeMissing the device can register by itself (Easy Setup file, activation SMS): a missing identity
     *     directory is where that registration will write it
     */
    private Path identity(JsonNode node, boolean mayBeMissing) throws ConfigException {
        if (node == null) {
            throw error("identity", "missing; set it to the directory 'register' wrote, e.g. identity: ./gangway-agent-identity");
        }
        if (!node.isString() || node.stringValue().isBlank()) {
            throw error("identity", "must be a directory path like ./gangway-agent-identity, not " + describe(node));
        }
        String written = node.stringValue().trim();
        Path path = Path.of(written);
        Path resolved = resolveIdentity(path);
        if (mayBeMissing && !Files.exists(resolved.resolve("device.json"))) {
            return resolved;
        }
        if (!Files.isDirectory(resolved)) {
            throw error("identity", written + " does not exist — run 'register' first (or fix the path)");
        }
        for (String name : IDENTITY_FILES) {
            if (!Files.isRegularFile(resolved.resolve(name))) {
                throw error("identity", "no " + name + " in " + written + " — run 'register' first");
            }
        }
        return resolved;
    }

    /**
     * Relative paths mean "next to the config file"; when that directory does not exist but one relative to the
     * working directory does, that one is meant (the documented quick start runs both commands in one directory).
     */
    private Path resolveIdentity(Path path) {
        if (path.isAbsolute()) {
            return path.normalize();
        }
        Path dir = file.toAbsolutePath().getParent();
        Path nextToConfig = dir == null ? path.toAbsolutePath() : dir.resolve(path).normalize();
        Path fromWorkingDir = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(nextToConfig) && Files.isDirectory(fromWorkingDir)) {
            return fromWorkingDir;
        }
        return nextToConfig;
    }

    private Optional<URI> portal(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        String example = "an http(s) URL like http://portal.example:8080";
        if (!node.isString()) {
            throw error("portal", "must be " + example + ", not " + describe(node));
        }
        String text = node.stringValue().trim();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw error("portal", "'" + text + "' is not " + example);
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw error("portal", "'" + text + "' is not " + example);
        }
    }

    private Duration seconds(JsonNode node, String field, Duration fallback, long min, boolean wholeOnly)
            throws ConfigException {
        if (node == null) {
            return fallback;
        }
        if (!node.isNumber() || (wholeOnly && !node.isIntegralNumber())) {
            throw error(field, "'" + node.asString() + "' is not a " + (wholeOnly ? "whole " : "")
                    + "number of seconds; write e.g. " + field + ": " + fallback.toSeconds());
        }
        BigDecimal value = node.decimalValue();
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.signum() <= 0) {
            throw error(field, value.toPlainString() + " is too short; use " + (min > 0 ? min + " or more" : "more than 0"));
        }
        if (value.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw error(field, value.toPlainString() + " is too long; use at most " + MAX_SECONDS);
        }
        long millis = value.movePointRight(3).longValue();
        return Duration.ofMillis(Math.max(1, millis));
    }

    private List<ServiceConfig> services(JsonNode node) throws ConfigException {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error("services", "must be a list of services, each '- name: hmi' with kind, host and port; not "
                    + describe(node));
        }
        List<ServiceConfig> services = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            ServiceConfig service = service(node.get(i), "services[" + i + "]");
            Integer earlier = names.putIfAbsent(service.name(), i);
            if (earlier != null) {
                throw error("services[" + i + "].name", "'" + service.name() + "' is already used by services["
                        + earlier + "]; give every service its own name");
            }
            services.add(service);
        }
        return services;
    }

    private ServiceConfig service(JsonNode node, String path) throws ConfigException {
        if (node == null || !node.isObject()) {
            throw error(path, "must be a service with name, kind, host and port, not " + describe(node));
        }
        for (String key : node.propertyNames()) {
            if (!SERVICE_KEYS.contains(key)) {
                throw unknownKey(path + "." + key, key, SERVICE_KEYS);
            }
        }
        String name = requiredScalar(node, path, "name", "give each service a short name like hmi");
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw error(path + ".name", "'" + name + "' must be 1-32 characters of a-z, 0-9 and '-' (like hmi or plc-1)");
        }
        String kindText = requiredScalar(node, path, "kind", "use one of " + ServiceKind.allIds());
        ServiceKind kind = ServiceKind.fromId(kindText.toLowerCase(Locale.ROOT)).orElseThrow(() -> error(path + ".kind",
                "'" + kindText + "' is not a service kind; use one of " + ServiceKind.allIds()));
        String host = host(requiredScalar(node, path, "host", "give the service's IP address or host name on the LAN"),
                path + ".host");
        return new ServiceConfig(name, kind, host, port(present(node, "port"), path + ".port"));
    }

    /**
     * The {@code proxy:} block: host, port, and for a proxy with authentication {@code auth} ({@code basic}, the
     * default when a user name is set, or {@code ntlm} with {@code domain} and an optional {@code workstation}),
     * username and password. Loopback is allowed here (a local helper such as cntlm may listen there). The password
     * comes from the file or, less safely, from the YAML itself; it never appears in a message.
     */
    private Optional<ProxySettings> proxy(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw error("proxy", "must be a mapping with host and port (and auth, username, password-file for"
                    + " Basic or NTLM authentication), not " + describe(node));
        }
        for (String key : node.propertyNames()) {
            if (!PROXY_KEYS.contains(key)) {
                throw unknownKey("proxy." + key, key, PROXY_KEYS);
            }
        }
        String hostText = requiredScalar(node, "proxy", "host", "give the HTTP proxy's host name or IP address");
        if (!isHostOrAddress(hostText.toLowerCase(Locale.ROOT))) {
            throw error("proxy.host", "'" + hostText + "' is not a host name or IP address");
        }
        String host = hostText.startsWith("[") && hostText.endsWith("]")
                ? hostText.substring(1, hostText.length() - 1) : hostText;
        if (present(node, "port") == null) {
            throw error("proxy.port", "missing; give the HTTP proxy's TCP port, often 3128 or 8080");
        }
        int port = port(present(node, "port"), "proxy.port");
        InetSocketAddress address = InetSocketAddress.createUnresolved(host, port);
        JsonNode userNode = present(node, "username");
        JsonNode passwordNode = present(node, "password");
        JsonNode fileNode = present(node, "password-file");
        ProxySettings.Scheme scheme = ProxySettings.Scheme.BASIC;
        if (present(node, "auth") != null) {
            String auth = requiredScalar(node, "proxy", "auth", "give basic or ntlm");
            scheme = ProxySettings.Scheme.parse(auth);
            if (scheme == null) {
                throw error("proxy.auth", "'" + auth + "' is not a proxy authentication scheme; give basic or ntlm");
            }
        }
        String domain = present(node, "domain") == null ? null
                : requiredScalar(node, "proxy", "domain", "give the Windows domain of the proxy user");
        String workstation = present(node, "workstation") == null ? null
                : requiredScalar(node, "proxy", "workstation", "give the workstation name NTLM should send");
        if (scheme != ProxySettings.Scheme.NTLM && (domain != null || workstation != null)) {
            throw error(domain != null ? "proxy.domain" : "proxy.workstation", "only NTLM uses it; set auth: ntlm"
                    + " (or remove it for Basic authentication)");
        }
        if (userNode == null) {
            if (passwordNode != null || fileNode != null) {
                throw error("proxy.username", "missing; a password is set, so give the proxy user name too"
                        + " (or remove the password for a proxy without authentication)");
            }
            if (present(node, "auth") != null) {
                throw error("proxy.username", "missing; auth is set, so give the proxy user name and password-file"
                        + " (or remove auth for a proxy without authentication)");
            }
            return Optional.of(ProxySettings.unauthenticated(address));
        }
        String username = requiredScalar(node, "proxy", "username", "give the proxy user name");
        if (scheme == ProxySettings.Scheme.BASIC && username.indexOf(':') >= 0) {
            throw error("proxy.username", "'" + username + "' contains ':', which Basic authentication cannot carry");
        }
        if (scheme == ProxySettings.Scheme.NTLM && username.indexOf('\\') >= 0) {
            throw error("proxy.username", "'" + username + "' contains a backslash; put the domain in proxy.domain"
                    + " and only the user name here");
        }
        if (passwordNode != null && fileNode != null) {
            throw error("proxy.password", "give either password or password-file, not both");
        }
        if (passwordNode == null && fileNode == null) {
            throw error("proxy.password-file", "missing; user '" + username + "' needs a password: put it in a file"
                    + " readable only by the agent and set password-file to its path");
        }
        String password;
        if (passwordNode != null) {
            if (!passwordNode.isValueNode() || passwordNode.asString().isEmpty()) {
                throw error("proxy.password", "must be a single non-empty value; better, use password-file");
            }
            password = passwordNode.asString();
        } else {
            password = passwordFile(requiredScalar(node, "proxy", "password-file",
                    "give the path of the file holding the proxy password"));
        }
        return Optional.of(new ProxySettings(address, scheme, domain, workstation, username, password));
    }

    /** A path written in the file: relative ones are resolved next to it. */
    Path nextToConfig(String written) {
        Path path = Path.of(written);
        if (path.isAbsolute()) {
            return path.normalize();
        }
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? path.toAbsolutePath() : dir.resolve(path).normalize();
    }

    private String passwordFile(String written) throws ConfigException {
        Path path = nextToConfig(written);
        String text;
        try {
            if (Files.size(path) > MAX_PASSWORD_FILE) {
                throw error("proxy.password-file", written + " is larger than " + MAX_PASSWORD_FILE
                        + " bytes; it must hold only the proxy password");
            }
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw error("proxy.password-file", written + " does not exist; create it with the proxy password"
                    + " (or fix the path)");
        } catch (IOException e) {
            throw error("proxy.password-file", "cannot read " + written + " (" + e.getClass().getSimpleName()
                    + "); make it readable by the agent");
        }
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty()) {
            throw error("proxy.password-file", written + " is empty; put the proxy password in it");
        }
        if (password.indexOf('\n') >= 0) {
            throw error("proxy.password-file", written + " has more than one line; it must hold only the proxy"
                    + " password");
        }
        return password;
    }

    static boolean isHostOrAddress(String text) {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return host.length() <= 253 && (host.indexOf(':') >= 0 ? IPV6.matcher(host).matches()
                : IPV4.matcher(host).matches() ? validIpv4(host) : HOST_NAME.matcher(host).matches());
    }

    private String host(String text, String field) throws ConfigException {
        String host = text.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean ok = host.length() <= 253 && (host.indexOf(':') >= 0 ? IPV6.matcher(host).matches()
                : IPV4.matcher(host).matches() ? validIpv4(host) : HOST_NAME.matcher(host).matches());
        if (!ok) {
            throw error(field, "'" + text + "' is not a host name or IP address");
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.matches("[0:]+")) {
            throw error(field, text + " is the wildcard address, not a LAN service; give the service's own address");
        }
        // The tunnel refuses any name that resolves to loopback (DNS rebinding guard), so such a service could
        // never be reached; IP literals are taken as written, which keeps 127.0.0.1 usable for local demos.
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            throw error(field, "'" + text + "' resolves to the agent's own loopback, which the agent never forwards "
                    + "to; use the panel's LAN address");
        }
        return host;
    }

    private static boolean validIpv4(String host) {
        for (String part : host.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private int port(JsonNode node, String field) throws ConfigException {
        if (node == null) {
            throw error(field, "missing; give the service's TCP port (1-65535)");
        }
        if (!node.isIntegralNumber()) {
            throw error(field, "'" + node.asString() + "' is not a TCP port (1-65535)");
        }
        BigDecimal value = node.decimalValue();
        if (value.compareTo(BigDecimal.ONE) < 0 || value.compareTo(BigDecimal.valueOf(65535)) > 0) {
            throw error(field, value.toPlainString() + " is not a TCP port (1-65535)");
        }
        return value.intValue();
    }

    String requiredScalar(JsonNode service, String path, String key, String fix) throws ConfigException {
        JsonNode node = present(service, key);
        if (node == null) {
            throw error(path + "." + key, "missing; " + fix);
        }
        if (!node.isValueNode() || node.asString().isBlank()) {
            throw error(path + "." + key, "must be a single value, not " + describe(node) + "; " + fix);
        }
        return node.asString().trim();
    }

    ConfigException unknownKey(String field, String key, List<String> allowed) {
        String normalized = key.toLowerCase(Locale.ROOT).replace('_', '-');
        String hint = allowed.stream()
                .filter(a -> a.equals(normalized) || a.startsWith(normalized) || normalized.startsWith(a))
                .findFirst()
                .map(a -> "did you mean '" + a + "'? ")
                .orElse("");
        return error(field, "unknown setting; " + hint + "allowed here: " + String.join(", ", allowed));
    }

    ConfigException error(String field, String problem) {
        return ConfigException.field(source, field, problem);
    }

    /** The value of {@code key}, or null when absent or written without a value. */
    static JsonNode present(JsonNode parent, String key) {
        JsonNode node = parent.get(key);
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "'" + node.asString() + "'";
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
