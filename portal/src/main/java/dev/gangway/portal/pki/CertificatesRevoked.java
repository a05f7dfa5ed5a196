package dev.gangway.portal.pki;

import java.util.Set;

/**
 * Published inside the transaction that revoked certificates; listeners that act on the outside world (the relay
 * closing tunnels) listen after commit.
 *
 * @param deviceIds the devices whose certificates were revoked
 */
public record CertificatesRevoked(Set<String> deviceIds) {
}
