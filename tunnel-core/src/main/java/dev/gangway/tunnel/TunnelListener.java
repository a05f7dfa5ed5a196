package dev.gangway.tunnel;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * A stream-client stream that the {@link StreamAuthorizer} admitted could not be opened on the device's tunnel
     * (device offline, target refused by the agent, unreachable, timeout, or the client gave up first);
     * {@link #streamOpened} is not called for it. Every admitted stream ends in exactly one of {@code streamFailed}
     * or {@link #streamOpened} (followed by {@link #streamClosed}). Runs on the stream client's connection's event
     * loop. Refusals before or by the authorizer (bad ticket, {@link TunnelError#NO_RIGHT}) are not reported here.
     */
    default void streamFailed(StreamTicket ticket, TunnelException error) {
    }

    /** That stream ended; bytes counted at the relay. */
    default void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
    }

    /**
     * Alarms from a device's agent, in sequence order (never empty). The relay acknowledges them to the agent, which
     * then deletes them, only once the returned stage completes normally; a stage that fails (or a listener that
     * throws) makes the relay ask again after a pause, so the same alarms may arrive again: de-duplicate by device id
     * and {@link Alarm#id()}. Runs on the tunnel's event loop: return quickly, do the durable work elsewhere. At most
     * one call per tunnel is outstanding at a time.
     */
    default CompletionStage<Void> alarmsReceived(DeviceIdentity device, List<Alarm> alarms) {
        return CompletableFuture.completedFuture(null);
    }
}
