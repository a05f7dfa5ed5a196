package dev.gangway.agent.tunnel;

import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TargetPolicy;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's last word: a stream may reach exactly the (host, port) pairs of the configured services, compared
 * as configured text (host case-insensitively). Nothing is resolved to decide: {@code localhost},
 * {@code 127.0.0.1}, {@code [::1]} or another spelling of a configured address is refused unless that very text
 * is configured, so a relay cannot reach loopback, link-local or other LAN hosts by naming them differently.
 */
final class ServiceAllowlist implements TargetPolicy {

    private static final Logger log = LoggerFactory.getLogger(ServiceAllowlist.class);

    private final Set<LanTarget> allowed;

    ServiceAllowlist(List<ServiceConfig> services) {
        this.allowed = services.stream().map(ServiceConfig::target).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void check(LanTarget target) throws TunnelException {
        // LanTarget lower-cases its host, as ServiceConfig does: equal text means allowed
        if (target == null || !allowed.contains(target)) {
            String shown = target == null ? "(none)" : target.authority();
            log.warn("refused stream to {}: not in this site's allowed services", shown);
            throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, shown);
        }
    }
}
