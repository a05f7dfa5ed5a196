package dev.gangway.agent.identity;

import java.util.Objects;

/**
 * What {@code register} learned from the portal, saved as {@code device.json}.
 *
 * @param deviceId the portal's id of this device (the certificate's CN)
 * @param deviceName the name given in the portal
 * @param portal the portal's base URL used for registration
 * @param relayHost the relay to dial when the portal cannot be asked
 * @param relayPort its port
 * @param serial this machine's serial (the certificate's serialNumber attribute)
 * @param registeredAt ISO-8601 instant of registration
 */
public record DeviceRecord(String deviceId, String deviceName, String portal, String relayHost, int relayPort,
        String serial, String registeredAt) {

    public DeviceRecord {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(relayHost, "relayHost");
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }
}
