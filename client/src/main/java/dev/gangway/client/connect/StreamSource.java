package dev.gangway.client.connect;

import dev.gangway.tunnel.LanTarget;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a stream to a target on the device's LAN. The channel carries raw bytes, is not auto-reading yet and is
 * ready for {@link dev.gangway.tunnel.Splice#bridge}. Must not block: it is called on an event loop.
 */
@FunctionalInterface
public interface StreamSource {

    /** Completes with the stream, or fails with why (a portal refusal or a tunnel error). */
    CompletableFuture<Channel> open(LanTarget target);
}
