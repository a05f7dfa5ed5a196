package dev.gangway.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the full-context tests: one data directory per test JVM (the context is shared between the classes that
 * extend this, so tests create their own accounts and devices), random relay and HMI ports.
 */
public abstract class PortalTestSupport {

    public static final Path DATA_DIR = createDataDir();

    @DynamicPropertySource
    static void portalProperties(DynamicPropertyRegistry registry) {
        registry.add("gangway.data-dir", DATA_DIR::toString);
        registry.add("gangway.relay.port", () -> 0);
        registry.add("gangway.relay.bind-address", () -> "127.0.0.1");
        registry.add("gangway.hmi.port", () -> 0);
        registry.add("gangway.hmi.bind-address", () -> "127.0.0.1");
        registry.add("gangway.admin-password", () -> "test-admin-password");
    }

    private static Path createDataDir() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), "portal-test-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
