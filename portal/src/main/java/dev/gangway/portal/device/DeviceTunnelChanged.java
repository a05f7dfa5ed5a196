package dev.gangway.portal.device;

/**
 * A device came online (its first tunnel came up) or went offline (its last tunnel went down), published by
 * {@link DeviceTunnels} as a Spring application event after the device row was updated, on the relay feature's event
 * thread, in order. For features that follow a device's connection (on-demand wake-ups); listeners must be quick or
 * hand the work to a thread of their own.
 *
 * @param accountId the device's account
 * @param deviceId the device
 * @param online true: it holds a tunnel now; false: it holds none any more
 * @param reason why the tunnel went down, in words (the relay's or the agent's, e.g. "on-demand tunnel idle; hung
 *     up"); null when {@code online}
 */
public record DeviceTunnelChanged(String accountId, String deviceId, boolean online, String reason) {
}
