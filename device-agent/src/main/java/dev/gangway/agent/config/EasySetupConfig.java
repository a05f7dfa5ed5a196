package dev.gangway.agent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@code run} looks for an Easy Setup file while the device is not registered yet.
 *
 * @param path a directory (the mount point of a USB stick or SD card, searched for {@link #FILE_NAME}) or the file
 *     itself
 */
public record EasySetupConfig(Path path) {

    /** The name the portal gives the file, and the one looked for in a directory. */
    public static final String FILE_NAME = "gangway-setup.json";

    public EasySetupConfig {
        Objects.requireNonNull(path, "path");
    }
}
