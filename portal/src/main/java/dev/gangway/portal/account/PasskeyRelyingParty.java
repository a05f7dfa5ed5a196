package dev.gangway.portal.account;

import dev.gangway.portal.system.PortalSettings;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.env.Environment;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import org.springframework.stereotype.Component;

/**
 * The portal as a WebAuthn relying party: Spring Security's {@link Webauthn4JRelyingPartyOperations} over the
 * portal's own passkey tables, with the relying party id and the allowed origins of {@link PasskeySettings}.
 *
 * <p>Made at first use, not at startup: without a public URL the allowed origin is {@code http://localhost:<port>},
 * and the port is known only once the web server runs (a random port in tests).
 */
@Component
class PasskeyRelyingParty {

    private final PasskeySettings settings;
    private final PortalSettings portal;
    private final Environment environment;
    private final PasskeyUserEntities userEntities;
    private final PasskeyCredentials credentials;
    private volatile Webauthn4JRelyingPartyOperations operations;

    PasskeyRelyingParty(PasskeySettings settings, PortalSettings portal, Environment environment,
            PasskeyUserEntities userEntities, PasskeyCredentials credentials) {
        this.settings = settings;
        this.portal = portal;
        this.environment = environment;
        this.userEntities = userEntities;
        this.credentials = credentials;
    }

    WebAuthnRelyingPartyOperations operations() {
        Webauthn4JRelyingPartyOperations made = operations;
        if (made == null) {
            synchronized (this) {
                made = operations;
                if (made == null) {
                    PublicKeyCredentialRpEntity rp = PublicKeyCredentialRpEntity.builder().id(rpId())
                            .name(settings.rpName()).build();
                    made = new Webauthn4JRelyingPartyOperations(userEntities, credentials, rp, allowedOrigins());
                    operations = made;
                }
            }
        }
        return made;
    }

    /** The relying party id: configured, else the public URL's host, else {@code localhost}. */
    String rpId() {
        if (settings.rpId() != null) {
            return settings.rpId();
        }
        return portal.publicUri().map(uri -> uri.getHost().toLowerCase(Locale.ROOT)).orElse("localhost");
    }

    /** The origins assertions and registrations may come from; nothing else is accepted. */
    Set<String> allowedOrigins() {
        if (!settings.allowedOrigins().isEmpty()) {
            return Set.copyOf(settings.allowedOrigins());
        }
        Set<String> origins = new LinkedHashSet<>();
        portal.publicUri().ifPresentOrElse(uri -> origins.add(origin(uri)),
                () -> origins.add("http://localhost:" + port()));
        return Set.copyOf(origins);
    }

    private int port() {
        Integer running = environment.getProperty("local.server.port", Integer.class);
        if (running != null && running > 0) {
            return running;
        }
        return environment.getProperty("server.port", Integer.class, 8080);
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
                || ("http".equals(scheme) && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
