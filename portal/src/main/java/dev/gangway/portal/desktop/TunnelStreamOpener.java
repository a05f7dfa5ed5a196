package dev.gangway.portal.desktop;

import java.io.IOException;

/**
 * Opens a new stream to the session's LAN service (the device, the service and the user's right are fixed when the
 * opener is made; every call checks the right again and signs a fresh ticket). Blocks until the agent connected to
 * the service, at most about 30 s.
 */
@FunctionalInterface
public interface TunnelStreamOpener {

    /**
     * Opens the stream.
     *
     * @throws IOException with a message for the user, e.g. "the device is offline", "the agent could not connect
     *     to 198.19.0.3:5900: connection refused"
     */
    TunnelStream open() throws IOException;
}
