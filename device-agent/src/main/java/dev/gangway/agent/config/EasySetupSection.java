package dev.gangway.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads the {@code easy-setup:} block of agent.yml for {@link ConfigLoader}: {@code path: /media/gangway}. */
final class EasySetupSection {

    private static final List<String> KEYS = List.of("path");

    private final ConfigLoader loader;

    EasySetupSection(ConfigLoader loader) {
        this.loader = loader;
    }

    Optional<EasySetupConfig> read(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        String fix = "a mapping like easy-setup: {path: /media/gangway} (the mount point of the USB stick or SD card "
                + "that holds " + EasySetupConfig.FILE_NAME + ")";
        if (!node.isObject()) {
            throw loader.error("easy-setup", "must be " + fix + ", not " + ConfigLoader.describe(node));
        }
        for (String key : node.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw loader.unknownKey("easy-setup." + key, key, KEYS);
            }
        }
        JsonNode path = ConfigLoader.present(node, "path");
        if (path == null || !path.isString() || path.stringValue().isBlank()) {
            throw loader.error("easy-setup.path", "must be a directory or file path like /media/gangway, not "
                    + (path == null ? "missing" : ConfigLoader.describe(path)));
        }
        try {
            return Optional.of(new EasySetupConfig(loader.nextToConfig(path.stringValue().trim())));
        } catch (InvalidPathException e) {
            throw loader.error("easy-setup.path", "'" + path.stringValue() + "' is not a valid path");
        }
    }
}
