package dev.gangway.agent.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A device identity in memory: everything the tunnel's mutual TLS needs plus {@code device.json}.
 *
 * @param key the device's EC private key (never leaves the device)
 * @param certificate the device certificate issued by the portal's CA
 * @param trustedCas the portal's CA certificate(s): the only issuers a relay certificate may come from
 * @param device the saved registration facts
 */
public record DeviceCredentials(PrivateKey key, X509Certificate certificate, List<X509Certificate> trustedCas,
        DeviceRecord device) {

    public DeviceCredentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(device, "device");
        trustedCas = List.copyOf(trustedCas);
        if (trustedCas.isEmpty()) {
            throw new IllegalArgumentException("no CA certificate");
        }
    }

    @Override
    public String toString() {
        // a record's default toString would print the key object
        return "DeviceCredentials[" + device.deviceId() + "]";
    }
}
