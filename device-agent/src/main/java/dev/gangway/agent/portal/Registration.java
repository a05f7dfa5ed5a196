package dev.gangway.agent.portal;

/**
 * The portal's answer to a successful registration.
 *
 * @param deviceId the portal's device id (the certificate's CN)
 * @param deviceName the name given in the portal
 * @param certificatePem the device certificate
 * @param caCertificatePem the portal's CA certificate
 * @param relayHost the relay to dial
 * @param relayPort its port
 */
public record Registration(String deviceId, String deviceName, String certificatePem, String caCertificatePem,
        String relayHost, int relayPort) {
}
