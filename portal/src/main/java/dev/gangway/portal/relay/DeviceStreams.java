package dev.gangway.portal.relay;

import dev.gangway.tunnel.LanTarget;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Opens byte streams to a device's LAN through the relay that holds the device's tunnel, on behalf of a
 * signed-in user. Callers must have checked the user's right first; this signs the ticket the relay checks again.
 */
public interface DeviceStreams {

    /**
     * Opens a stream; the channel carries raw {@link io.netty.buffer.ByteBuf}s, is auto-read off, and its
     * writability follows the stream's flow-control window. Fails with a
     * {@link dev.gangway.tunnel.TunnelException} when the device is offline or the agent refuses.
     */
    CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target);
}
