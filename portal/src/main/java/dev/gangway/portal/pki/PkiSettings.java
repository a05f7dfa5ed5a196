package dev.gangway.portal.pki;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Certificate settings.
 *
 * @param deviceCertificateValidity how long a device certificate is valid (default three years; devices registered
 *     again get a new one)
 */
@Validated
@ConfigurationProperties("gangway.pki")
public record PkiSettings(@NotNull @DefaultValue("1095d") Duration deviceCertificateValidity) {
}
