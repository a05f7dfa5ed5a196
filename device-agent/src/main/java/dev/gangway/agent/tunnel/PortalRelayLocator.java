package dev.gangway.agent.tunnel;

import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import dev.gangway.agent.portal.RelayAddress;
import dev.gangway.tunnel.TunnelClient;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the portal which relay to dial before every connection attempt (it may move the device); when the portal
 * cannot be asked, dials the relay it named last, or the one saved at registration.
 */
final class PortalRelayLocator implements TunnelClient.RelayLocator {

    private static final Logger log = LoggerFactory.getLogger(PortalRelayLocator.class);

    private final Optional<PortalApi> portal;
    private final String deviceId;
    private volatile RelayAddress fallback;
    private volatile RelayAddress current;
    private volatile String lastProblem;

    /** Behind an HTTP proxy the relay's name goes to the proxy unresolved: the agent may have no DNS of its own. */
    private final boolean viaProxy;

    PortalRelayLocator(Optional<PortalApi> portal, String deviceId, RelayAddress saved) {
        this(portal, deviceId, saved, false);
    }

    PortalRelayLocator(Optional<PortalApi> portal, String deviceId, RelayAddress saved, boolean viaProxy) {
        this.viaProxy = viaProxy;
        this.portal = portal;
        this.deviceId = deviceId;
        this.fallback = saved;
        this.current = saved;
    }

    @Override
    public InetSocketAddress locate() throws UnknownHostException {
        RelayAddress relay = ask();
        current = relay;
        if (viaProxy) {
            return InetSocketAddress.createUnresolved(relay.host(), relay.port());
        }
        InetSocketAddress address = new InetSocketAddress(relay.host(), relay.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("relay host " + relay.host() + " cannot be resolved");
        }
        return address;
    }

    /** The relay of the latest attempt, for log lines. */
    RelayAddress current() {
        return current;
    }

    private RelayAddress ask() {
        if (portal.isEmpty()) {
            return fallback;
        }
        try {
            RelayAddress relay = portal.get().relay(deviceId);
            if (lastProblem != null || !relay.equals(fallback)) {
                log.info("the portal names relay {} for this device", relay);
            }
            lastProblem = null;
            fallback = relay;
            return relay;
        } catch (PortalException e) {
            if (Thread.currentThread().isInterrupted()) {
                // the agent is stopping: no attempt will follow, nothing to report
                return fallback;
            }
            String problem = e.getMessage();
            // say it once per streak of failures: the agent retries forever and logs must stay readable
            if (!problem.equals(lastProblem)) {
                log.warn("cannot ask the portal for a relay ({}); dialing {}", problem, fallback);
            }
            lastProblem = problem;
            return fallback;
        }
    }
}
