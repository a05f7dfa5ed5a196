package dev.gangway.agent.config;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code alarms:} block of agent.yml for {@link ConfigLoader}. Every mistake names the field and the fix.
 * Ports are only checked here; binding them (permission, already in use) happens when {@code run} starts.
 */
final class AlarmsSection {

    private static final List<String> KEYS = List.of("queue", "smtp", "http");
    private static final List<String> QUEUE_KEYS = List.of("dir", "max-alarms", "max-megabytes");
    private static final List<String> LISTENER_KEYS = List.of("listen");
    private static final int MAX_ALARMS = 1_000_000;
    private static final int MAX_MEGABYTES = 10_240;

    private final ConfigLoader loader;

    AlarmsSection(ConfigLoader loader) {
        this.loader = loader;
    }

    Optional<AlarmsConfig> read(JsonNode node, Path identity) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw loader.error("alarms", "must be a mapping with smtp: {listen: HOST:PORT} and/or http: {listen: "
                    + "HOST:PORT}, not " + ConfigLoader.describe(node));
        }
        checkKeys(node, "alarms", KEYS);
        Path dir = identity.toAbsolutePath().getParent() == null ? Path.of(AlarmsConfig.DEFAULT_DIR_NAME).toAbsolutePath()
                : identity.toAbsolutePath().getParent().resolve(AlarmsConfig.DEFAULT_DIR_NAME);
        int maxAlarms = AlarmsConfig.DEFAULT_MAX_ALARMS;
        long maxMegabytes = AlarmsConfig.DEFAULT_MAX_MEGABYTES;
        JsonNode queue = ConfigLoader.present(node, "queue");
        if (queue != null) {
            if (!queue.isObject()) {
                throw loader.error("alarms.queue", "must be a mapping with dir, max-alarms and max-megabytes (all "
                        + "optional), not " + ConfigLoader.describe(queue));
            }
            checkKeys(queue, "alarms.queue", QUEUE_KEYS);
            JsonNode dirNode = ConfigLoader.present(queue, "dir");
            if (dirNode != null) {
                dir = directory(dirNode);
            }
            maxAlarms = (int) whole(ConfigLoader.present(queue, "max-alarms"), "alarms.queue.max-alarms",
                    AlarmsConfig.DEFAULT_MAX_ALARMS, MAX_ALARMS, "alarms");
            maxMegabytes = whole(ConfigLoader.present(queue, "max-megabytes"), "alarms.queue.max-megabytes",
                    AlarmsConfig.DEFAULT_MAX_MEGABYTES, MAX_MEGABYTES, "megabytes");
        }
        Optional<InetSocketAddress> smtp = listener(ConfigLoader.present(node, "smtp"), "alarms.smtp", "2525");
        Optional<InetSocketAddress> http = listener(ConfigLoader.present(node, "http"), "alarms.http", "8025");
        if (smtp.isEmpty() && http.isEmpty()) {
            throw loader.error("alarms", "no way in for alarms; add smtp: {listen: HOST:PORT} (mail from the site's "
                    + "devices) and/or http: {listen: 127.0.0.1:8025} (the local HTTP API), or remove alarms:");
        }
        if (smtp.isPresent() && smtp.equals(http)) {
            throw loader.error("alarms.http.listen", "is the same address as alarms.smtp.listen; give each its own port");
        }
        return Optional.of(new AlarmsConfig(dir, maxAlarms, maxMegabytes * 1024 * 1024, smtp, http));
    }

    private Path directory(JsonNode node) throws ConfigException {
        String field = "alarms.queue.dir";
        if (!node.isString() || node.stringValue().isBlank()) {
            throw loader.error(field, "must be a directory path like /var/lib/gangway/alarms, not "
                    + ConfigLoader.describe(node));
        }
        Path dir;
        try {
            dir = loader.nextToConfig(node.stringValue().trim());
        } catch (InvalidPathException e) {
            throw loader.error(field, "'" + node.stringValue() + "' is not a valid path; give a directory such as "
                    + "/var/lib/gangway/alarms");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw loader.error(field, dir + " is a file, not a directory; give a directory (the agent creates it if "
                    + "missing)");
        }
        return dir;
    }

    private long whole(JsonNode node, String field, long fallback, long max, String unit) throws ConfigException {
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber()) {
            throw loader.error(field, "'" + node.asString() + "' is not a whole number of " + unit + "; write e.g. "
                    + field.substring(field.lastIndexOf('.') + 1) + ": " + fallback);
        }
        BigDecimal value = node.decimalValue();
        if (value.compareTo(BigDecimal.ONE) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw loader.error(field, value.toPlainString() + " is out of range; use 1 to " + max + " (default "
                    + fallback + ")");
        }
        return value.longValue();
    }

    private Optional<InetSocketAddress> listener(JsonNode node, String field, String examplePort)
            throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw loader.error(field, "must be a mapping with listen: HOST:PORT, e.g. listen: 127.0.0.1:" + examplePort
                    + ", not " + ConfigLoader.describe(node));
        }
        checkKeys(node, field, LISTENER_KEYS);
        String text = loader.requiredScalar(node, field, "listen", "give the address and port to listen on, e.g. "
                + "listen: 127.0.0.1:" + examplePort + " (or the agent's LAN address)");
        return Optional.of(hostPort(text, field + ".listen", examplePort));
    }

    private InetSocketAddress hostPort(String text, String field, String examplePort) throws ConfigException {
        String fix = "write HOST:PORT, e.g. 127.0.0.1:" + examplePort + ", 0.0.0.0:" + examplePort + " (every address)"
                + " or [::1]:" + examplePort;
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw loader.error(field, "'" + text + "' is not HOST:PORT; " + fix);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw loader.error(field, "'" + text + "' is not HOST:PORT; " + fix);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!ConfigLoader.isHostOrAddress(host.toLowerCase(Locale.ROOT))) {
            throw loader.error(field, "'" + host + "' is not a host name or IP address; " + fix);
        }
        int number;
        try {
            number = port.matches("\\d{1,5}") ? Integer.parseInt(port) : -1;
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0 || number > 65535) {
            throw loader.error(field, "'" + port + "' is not a TCP port (1-65535); " + fix);
        }
        return InetSocketAddress.createUnresolved(host, number);
    }

    private void checkKeys(JsonNode node, String field, List<String> allowed) throws ConfigException {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw loader.unknownKey(field + "." + key, key, allowed);
            }
        }
    }
}
