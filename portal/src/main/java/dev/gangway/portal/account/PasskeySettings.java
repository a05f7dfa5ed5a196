package dev.gangway.portal.account;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The WebAuthn relying party of the portal (passkeys). Both default from {@code gangway.portal.public-url}; set them
 * only when browsers reach the portal under more than one address.
 *
 * @param rpId the relying party id: a host name, the portal's own or a parent domain of it; default the host of
 *     {@code gangway.portal.public-url}, else {@code localhost}. Passkeys are bound to it: changing it makes every
 *     registered passkey useless
 * @param rpName the name authenticators show
 * @param allowedOrigins the origins ({@code https://portal.example.com}) a passkey assertion or registration may come
 *     from; default the origin of {@code gangway.portal.public-url}, else {@code http://localhost:<port>}. An
 *     assertion made on any other origin is refused
 */
@Validated
@ConfigurationProperties("gangway.passkeys")
record PasskeySettings(String rpId, @DefaultValue("Gangway") String rpName, List<String> allowedOrigins) {

    PasskeySettings {
        rpId = rpId == null || rpId.isBlank() ? null : rpId.strip();
        if (rpId != null && !rpId.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("gangway.passkeys.rp-id '" + rpId + "' must be a host name, e.g. "
                    + "portal.example.com (no scheme, port or path)");
        }
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String origin : allowedOrigins) {
            URI uri;
            try {
                uri = new URI(origin);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("gangway.passkeys.allowed-origins: '" + origin + "' is not an "
                        + "origin such as https://portal.example.com");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                throw new IllegalArgumentException("gangway.passkeys.allowed-origins: '" + origin + "' must be "
                        + "scheme://host[:port] without a path, e.g. https://portal.example.com");
            }
        }
    }
}
