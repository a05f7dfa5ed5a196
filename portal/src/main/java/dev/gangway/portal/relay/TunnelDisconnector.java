package dev.gangway.portal.relay;

import dev.gangway.tunnel.TunnelError;

/**
 * Closes a device's tunnel from the portal's side, telling its agent why (a GOAWAY naming the reason): for features
 * that end a device's connection on a user's request (send an on-demand device offline). Implemented by the embedded
 * relay ({@link dev.gangway.tunnel.RelayServer#disconnect}). Thread-safe.
 */
public interface TunnelDisconnector {

    /**
     * Closes every tunnel of the device now; its streams end.
     *
     * @return false when the relay is not running (nothing was closed)
     */
    boolean disconnect(String deviceId, TunnelError reason);
}
