package dev.gangway.portal.device;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Device settings.
 *
 * @param activationKeyValidity how long a new activation key can be used (default 7 days)
 * @param agentJar the agent jar's file name in the commands shown on the activation page
 */
@Validated
@ConfigurationProperties("gangway.device")
public record DeviceSettings(@NotNull @DefaultValue("7d") Duration activationKeyValidity,
        @NotNull @DefaultValue("gangway-agent.jar") String agentJar) {
}
