package dev.gangway.portal.relay;

/**
 * What the embedded relay reports about device tunnels, in order, on one thread of the relay feature (never on an
 * I/O thread). Implemented by the device registry.
 */
public interface TunnelEvents {

    /** A tunnel of the device came up; {@code agentInfo} is the agent's JSON text (may be empty). */
    void tunnelUp(String deviceId, String certificateSerial, String agentInfo);

    /** A tunnel of the device went down; {@code reason} is for humans. */
    void tunnelDown(String deviceId, String certificateSerial, String reason);

    /** The relay stopped: no tunnel is up any more. */
    void relayStopped();
}
