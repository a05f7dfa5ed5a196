package dev.gangway.portal.relay;

import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Opens byte streams to a device's LAN through the relay that holds the device's tunnel, on behalf of a
 * signed-in user. Callers must have checked the user's right first; this checks it once more, for the purpose the
 * stream serves, and signs the ticket the relay checks again.
 */
public interface DeviceStreams {

    /** What a stream is for, and so which right its user must hold on the device. */
    enum Purpose {
        /** A web HMI through the HMI proxy: "Open web HMIs". */
        WEB_HMI,
        /** A VNC or RDP desktop in the browser: "Remote desktop: view only" or "Remote desktop: control". */
        DESKTOP
    }

    /**
     * Opens a stream for a web HMI ({@link Purpose#WEB_HMI}); the channel carries raw
     * {@link io.netty.buffer.ByteBuf}s, is auto-read off, and its writability follows the stream's flow-control
     * window. Fails with a {@link dev.gangway.tunnel.TunnelException} when the device is offline or the agent
     * refuses.
     */
    CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target);

    /**
     * Opens a stream for {@code purpose}, checking the right that purpose needs. Implementations that open only
     * web HMI streams (test doubles) refuse every other purpose with {@link TunnelError#NO_RIGHT}.
     */
    default CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target,
            Purpose purpose) {
        if (purpose == Purpose.WEB_HMI) {
            return open(account, user, deviceId, target);
        }
        return CompletableFuture.failedFuture(TunnelException.of(TunnelError.NO_RIGHT,
                "this portal opens no " + purpose + " streams"));
    }
}
