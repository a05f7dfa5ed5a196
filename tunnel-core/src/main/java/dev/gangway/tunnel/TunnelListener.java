package dev.gangway.tunnel;

import java.net.InetSocketAddress;

/** Events of a relay, for the access server's device registry and connection report. Called on I/O threads: return quickly. */
public interface TunnelListener {

    /**
     * A device tunnel is up.
     *
     * @param agentInfo the agent's answer to {@link TunnelProtocol#PATH_AGENT_INFO} (JSON text, as the agent sent it),
     *     or an empty string if it gave none
     */
    default void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
    }

    /** A device tunnel is gone; {@code reason} is for humans. */
    default void tunnelDown(DeviceIdentity device, String reason) {
    }

    /** A stream through a device tunnel was opened for {@code ticket}. */
    default void streamOpened(StreamTicket ticket) {
    }

    /** That stream ended; bytes counted at the relay. */
    default void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
    }
}
