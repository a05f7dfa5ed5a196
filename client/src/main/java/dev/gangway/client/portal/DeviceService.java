package dev.gangway.client.portal;

import dev.gangway.tunnel.LanTarget;

/**
 * A LAN service a device's agent allows (from its configuration).
 *
 * @param name the service's name, e.g. {@code hmi}
 * @param kind http, https, vnc, rdp or tcp
 * @param host the host on the device's LAN, exactly as the agent allows it
 * @param port its TCP port
 */
public record DeviceService(String name, String kind, String host, int port) {

    /** {@code host:port} ({@code [v6]:port}). */
    public String target() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The service as a stream target. */
    public LanTarget lanTarget() {
        return new LanTarget(host, port);
    }
}
