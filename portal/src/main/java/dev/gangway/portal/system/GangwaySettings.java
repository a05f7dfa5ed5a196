package dev.gangway.portal.system;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings shared by every feature.
 *
 * @param dataDir where the portal keeps its database, CA, ticket key and demo files (env {@code GANGWAY_DATA_DIR});
 *     created owner-only on first start
 * @param adminPassword the first admin's password on first start (env {@code GANGWAY_ADMIN_PASSWORD}); when empty a
 *     random one is generated and printed once
 */
@Validated
@ConfigurationProperties("gangway")
public record GangwaySettings(@NotNull Path dataDir, String adminPassword) {
}
