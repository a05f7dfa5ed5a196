package dev.gangway.tunnel;

/**
 * Who is at the other end of a device tunnel, as decided by a {@link DeviceAuthorizer} from the agent's
 * certificate.
 *
 * @param deviceId the access server's id of the device
 * @param certificateSerial the serial number of the certificate that opened the tunnel (hex); one live
 *     tunnel per certificate
 */
public record DeviceIdentity(String deviceId, String certificateSerial) {
}
