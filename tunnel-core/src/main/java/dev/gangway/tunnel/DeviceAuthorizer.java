package dev.gangway.tunnel;

import java.security.cert.X509Certificate;

/** Decides whether a device certificate (already verified against the CA by TLS) may hold a tunnel. */
@FunctionalInterface
public interface DeviceAuthorizer {

    /**
     * Returns the identity for this certificate, or throws to refuse it.
     *
     * @throws TunnelException {@link TunnelError#UNKNOWN_DEVICE} or {@link TunnelError#REVOKED}
     */
    DeviceIdentity authorize(X509Certificate certificate) throws TunnelException;
}
