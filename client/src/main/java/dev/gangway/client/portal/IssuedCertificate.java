package dev.gangway.client.portal;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * The answer to {@code POST /certificate}: the client certificate for the key the client generated, the CA that
 * the relay's certificate must chain to, and the relay to dial.
 *
 * @param certificate the client certificate ({@code clientAuth}, short-lived)
 * @param ca          the portal's CA: the only issuer a relay certificate may come from
 * @param expiresAt   when the certificate expires
 * @param relay       the relay's host and port (unresolved)
 */
public record IssuedCertificate(X509Certificate certificate, X509Certificate ca, Instant expiresAt,
        InetSocketAddress relay) {
}
