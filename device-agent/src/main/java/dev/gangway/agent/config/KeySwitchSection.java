package dev.gangway.agent.config;

import dev.gangway.agent.config.KeySwitchConfig.CommandTarget;
import dev.gangway.agent.config.KeySwitchConfig.FileTarget;
import dev.gangway.agent.config.KeySwitchConfig.StatusOutputConfig;
import dev.gangway.agent.config.KeySwitchConfig.Target;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code key-switch:} block of agent.yml for {@link ConfigLoader}. Every mistake names the field and the
 * fix; files and programs are checked as far as they can be before the agent runs (a GPIO value file may appear only
 * once the pin is exported, so a missing input file is not an error: {@code missing} says what it means).
 */
final class KeySwitchSection {

    private static final List<String> KEYS = List.of("input", "poll-millis", "missing", "status-output");
    private static final List<String> INPUT_KEYS = List.of("file", "command", "invert");
    private static final List<String> OUTPUT_KEYS = List.of("file", "command", "up", "down");
    private static final long MIN_POLL_MILLIS = 50;
    private static final long MAX_POLL_MILLIS = 10_000;
    private static final int MAX_ARGS = 64;
    private static final int MAX_TEXT = 64;
    private static final String INPUT_EXAMPLE = "file: /sys/class/gpio/gpio17/value or command: [/usr/local/bin/read-key-switch]";

    private final ConfigLoader loader;

    KeySwitchSection(ConfigLoader loader) {
        this.loader = loader;
    }

    Optional<KeySwitchConfig> read(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw loader.error("key-switch", "must be a mapping with input: (" + INPUT_EXAMPLE + "), not "
                    + ConfigLoader.describe(node));
        }
        checkKeys(node, "key-switch", KEYS);
        JsonNode input = ConfigLoader.present(node, "input");
        if (input == null) {
            throw loader.error("key-switch.input", "missing; say where the switch is read: " + INPUT_EXAMPLE);
        }
        if (!input.isObject()) {
            throw loader.error("key-switch.input", "must be a mapping with " + INPUT_EXAMPLE + ", not "
                    + ConfigLoader.describe(input));
        }
        checkKeys(input, "key-switch.input", INPUT_KEYS);
        Target target = target(input, "key-switch.input", false);
        boolean invert = bool(ConfigLoader.present(input, "invert"), "key-switch.input.invert",
                "write invert: true for an active-low input (0 = on), or leave it out");
        Duration poll = pollMillis(ConfigLoader.present(node, "poll-millis"));
        boolean missingMeansOn = missing(ConfigLoader.present(node, "missing"));
        return Optional.of(new KeySwitchConfig(target, invert, poll, missingMeansOn,
                statusOutput(ConfigLoader.present(node, "status-output"))));
    }

    private Optional<StatusOutputConfig> statusOutput(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        String field = "key-switch.status-output";
        if (!node.isObject()) {
            throw loader.error(field, "must be a mapping with file: PATH or command: [PROGRAM, ARG..., \"{state}\"], not "
                    + ConfigLoader.describe(node));
        }
        checkKeys(node, field, OUTPUT_KEYS);
        Target target = target(node, field, true);
        String up = text(ConfigLoader.present(node, "up"), field + ".up", StatusOutputConfig.DEFAULT_UP);
        String down = text(ConfigLoader.present(node, "down"), field + ".down", StatusOutputConfig.DEFAULT_DOWN);
        if (up.equals(down)) {
            throw loader.error(field + ".down", "'" + down + "' is also the text for up; give the two states "
                    + "different texts (e.g. up: 1 and down: 0)");
        }
        return Optional.of(new StatusOutputConfig(target, up, down));
    }

    /** Exactly one of {@code file} and {@code command}. */
    private Target target(JsonNode node, String field, boolean output) throws ConfigException {
        JsonNode file = ConfigLoader.present(node, "file");
        JsonNode command = ConfigLoader.present(node, "command");
        if (file != null && command != null) {
            throw loader.error(field, "give either file or command, not both");
        }
        if (file == null && command == null) {
            throw loader.error(field, output
                    ? "missing file or command; write file: /run/gangway/tunnel-status or command: "
                            + "[/usr/local/bin/tunnel-led, \"{state}\"]"
                    : "missing file or command; write " + INPUT_EXAMPLE);
        }
        if (file != null) {
            return output ? outputFile(file, field + ".file") : inputFile(file, field + ".file");
        }
        return new CommandTarget(command(command, field + ".command"));
    }

    private FileTarget inputFile(JsonNode node, String field) throws ConfigException {
        Path path = path(node, field, "the switch's value file, e.g. /sys/class/gpio/gpio17/value");
        if (Files.isDirectory(path)) {
            throw loader.error(field, path + " is a directory; give the file that holds the switch's value, e.g. "
                    + "/sys/class/gpio/gpio17/value");
        }
        return new FileTarget(path);
    }

    private FileTarget outputFile(JsonNode node, String field) throws ConfigException {
        Path path = path(node, field, "the file to write up or down to, e.g. /run/gangway/tunnel-status");
        if (Files.isDirectory(path)) {
            throw loader.error(field, path + " is a directory; give a file name in it, e.g. " + path.resolve(
                    "tunnel-status"));
        }
        Path dir = path.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw loader.error(field, "the directory " + dir + " does not exist; create it (writable by the agent) "
                    + "or fix the path");
        }
        return new FileTarget(path);
    }

    private Path path(JsonNode node, String field, String what) throws ConfigException {
        if (!node.isString() || node.stringValue().isBlank()) {
            throw loader.error(field, "must be a path: " + what + "; not " + ConfigLoader.describe(node));
        }
        try {
            return loader.nextToConfig(node.stringValue().trim());
        } catch (InvalidPathException e) {
            throw loader.error(field, "'" + node.stringValue() + "' is not a valid path; give " + what);
        }
    }

    /** A list of arguments, the first one a program that exists and may be run. */
    private List<String> command(JsonNode node, String field) throws ConfigException {
        String example = "a list like [/usr/local/bin/read-key-switch, --pin, \"17\"] (no shell: one item per argument)";
        if (!node.isArray() || node.isEmpty()) {
            throw loader.error(field, "must be " + example + ", not " + ConfigLoader.describe(node));
        }
        if (node.size() > MAX_ARGS) {
            throw loader.error(field, "has " + node.size() + " items; at most " + MAX_ARGS + " are allowed");
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode arg = node.get(i);
            if (arg == null || !arg.isValueNode() || arg.isNull() || arg.asString().isEmpty()
                    || arg.asString().indexOf('\0') >= 0) {
                throw loader.error(field + "[" + i + "]", "must be a single non-empty value, not "
                        + ConfigLoader.describe(arg) + "; the command must be " + example);
            }
            argv.add(arg.asString());
        }
        argv.set(0, program(argv.get(0), field + "[0]"));
        return argv;
    }

    private String program(String written, String field) throws ConfigException {
        Path program;
        if (written.indexOf('/') >= 0) {
            try {
                program = loader.nextToConfig(written);
            } catch (InvalidPathException e) {
                throw loader.error(field, "'" + written + "' is not a valid path to a program");
            }
            if (!Files.isRegularFile(program)) {
                throw loader.error(field, program + " does not exist; give the full path of the program to run");
            }
        } else {
            program = onPath(written).orElseThrow(() -> loader.error(field, "'" + written + "' is not found on the"
                    + " PATH; give the program's full path, e.g. /usr/local/bin/" + written));
        }
        if (!Files.isExecutable(program)) {
            throw loader.error(field, program + " is not executable; make it so (chmod +x) or fix the path");
        }
        return program.toString();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            } catch (InvalidPathException e) {
                // a strange PATH entry: skip it
            }
        }
        return Optional.empty();
    }

    private Duration pollMillis(JsonNode node) throws ConfigException {
        if (node == null) {
            return KeySwitchConfig.DEFAULT_POLL;
        }
        if (!node.isIntegralNumber()) {
            throw loader.error("key-switch.poll-millis", "'" + node.asString() + "' is not a whole number of "
                    + "milliseconds; write e.g. poll-millis: " + KeySwitchConfig.DEFAULT_POLL.toMillis());
        }
        long millis = node.asLong();
        if (!node.canConvertToLong() || millis < MIN_POLL_MILLIS || millis > MAX_POLL_MILLIS) {
            throw loader.error("key-switch.poll-millis", node.asString() + " is out of range; use " + MIN_POLL_MILLIS
                    + " to " + MAX_POLL_MILLIS + " (the switch acts within about one poll interval)");
        }
        return Duration.ofMillis(millis);
    }

    /** {@code off} or {@code on}; YAML 1.1 readers may see them as booleans, so those count too. */
    private boolean missing(JsonNode node) throws ConfigException {
        if (node == null) {
            return false;
        }
        String fix = "write missing: off (a missing or unreadable input keeps the tunnel closed) or missing: on";
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (!node.isString()) {
            throw loader.error("key-switch.missing", "'" + node.asString() + "' is not off or on; " + fix);
        }
        return switch (node.stringValue().trim().toLowerCase(Locale.ROOT)) {
            case "off", "false" -> false;
            case "on", "true" -> true;
            default -> throw loader.error("key-switch.missing", "'" + node.stringValue() + "' is not off or on; " + fix);
        };
    }

    private boolean bool(JsonNode node, String field, String fix) throws ConfigException {
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw loader.error(field, "'" + node.asString() + "' is not true or false; " + fix);
        }
        return node.booleanValue();
    }

    private String text(JsonNode node, String field, String fallback) throws ConfigException {
        if (node == null) {
            return fallback;
        }
        String value = node.isValueNode() ? node.asString() : null;
        if (value == null || value.isEmpty() || value.length() > MAX_TEXT || value.chars().anyMatch(c -> c < 0x20)) {
            throw loader.error(field, "must be one line of 1-" + MAX_TEXT + " characters (e.g. " + fallback
                    + ", or 1/0 for a GPIO output), not " + ConfigLoader.describe(node));
        }
        return value;
    }

    private void checkKeys(JsonNode node, String field, List<String> allowed) throws ConfigException {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw loader.unknownKey(field + "." + key, key, allowed);
            }
        }
    }
}
