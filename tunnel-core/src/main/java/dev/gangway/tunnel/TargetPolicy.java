package dev.gangway.tunnel;

import java.net.InetAddress;

/** The agent's allowlist: the only LAN targets a tunnel stream may reach. */
@FunctionalInterface
public interface TargetPolicy {

    /** @throws TunnelException {@link TunnelError#TARGET_NOT_ALLOWED} when the site does not allow this target */
    void check(LanTarget target) throws TunnelException;

    /**
     * Called when an allowed target named by a host name has been resolved, just before connecting (IP literals
     * are not resolved and not checked again). The default refuses names that resolve to loopback, link-local,
     * wildcard or multicast addresses, so a DNS answer cannot turn an allowed name into the agent's own machine
     * (DNS rebinding). Runs on the tunnel's event loop: return quickly.
     *
     * @throws TunnelException {@link TunnelError#TARGET_NOT_ALLOWED} to refuse the connection
     */
    default void checkResolved(LanTarget target, InetAddress address) throws TunnelException {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED,
                    target.host() + " resolves to " + address.getHostAddress() + ", which is not on the LAN");
        }
    }
}
