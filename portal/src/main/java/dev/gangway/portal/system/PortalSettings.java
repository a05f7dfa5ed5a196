package dev.gangway.portal.system;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the portal's web side.
 *
 * @param secureCookies when true (production behind HTTPS) the session cookie is {@code __Host-gangway-session} and
 *     {@code Secure}; when false (plain-HTTP development) it is {@code gangway-session}
 * @param publicUrl the address users and device agents reach the portal at (e.g. {@code https://portal.example.com});
 *     empty means "the address of the current request". Used in the agent command shown on the activation page and
 *     accepted as an Origin of state-changing requests
 * @param sessionAbsoluteTimeout a signed-in session ends this long after it began, however active it is (the idle
 *     timeout is {@code server.servlet.session.timeout}, 30 minutes)
 */
@Validated
@ConfigurationProperties("gangway.portal")
public record PortalSettings(@DefaultValue("false") boolean secureCookies, String publicUrl,
        @DefaultValue("12h") Duration sessionAbsoluteTimeout) {

    public PortalSettings {
        if (sessionAbsoluteTimeout == null || sessionAbsoluteTimeout.isNegative() || sessionAbsoluteTimeout.isZero()) {
            throw new IllegalArgumentException("gangway.portal.session-absolute-timeout must be a positive duration "
                    + "such as 12h");
        }
        if (publicUrl != null && !publicUrl.isBlank()) {
            URI uri;
            try {
                uri = new URI(publicUrl.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("gangway.portal.public-url '" + publicUrl
                        + "' is not a URL: use e.g. https://portal.example.com");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("gangway.portal.public-url '" + publicUrl
                        + "' must be an http or https URL with a host, e.g. https://portal.example.com");
            }
            publicUrl = publicUrl.strip().replaceAll("/+$", "");
        } else {
            publicUrl = null;
        }
    }

    /** The configured public address, if any (no trailing slash). */
    public Optional<URI> publicUri() {
        return Optional.ofNullable(publicUrl).map(URI::create);
    }

    /** Name of the portal's session cookie for these settings. */
    public String sessionCookieName() {
        return secureCookies ? "__Host-gangway-session" : "gangway-session";
    }
}
