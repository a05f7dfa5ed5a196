package dev.gangway.tunnel;

/** The agent's allowlist: the only LAN targets a tunnel stream may reach. */
@FunctionalInterface
public interface TargetPolicy {

    /** @throws TunnelException {@link TunnelError#TARGET_NOT_ALLOWED} when the site does not allow this target */
    void check(LanTarget target) throws TunnelException;
}
