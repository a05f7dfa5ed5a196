package dev.gangway.agent.config;

import dev.gangway.tunnel.ProxySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of {@code run}.
 *
 * @param identity directory written by {@code register}
 * @param portal overrides the portal address saved at registration
 * @param keepalive how long the tunnel may be idle before a PING
 * @param backoffMin first reconnect delay
 * @param backoffMax longest reconnect delay
 * @param services the only LAN targets the tunnel may reach
 * @param proxy the HTTP proxy the tunnel and the relay lookup go through; empty means direct
 * @param keySwitch the site's key switch; empty means remote access is always enabled on site
 * @param alarms alarms from the site's LAN; empty means the agent takes none (and tells the relay so)
 * @param easySetup where to look for an Easy Setup file while the device is not registered
 * @param sms the device's SMS inbox (registration by SMS, wake-up messages)
 * @param onDemand set for an on-demand device (no tunnel while idle)
 */
public record AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
        Duration backoffMax, List<ServiceConfig> services, Optional<ProxySettings> proxy,
        Optional<KeySwitchConfig> keySwitch, Optional<AlarmsConfig> alarms, Optional<EasySetupConfig> easySetup,
        Optional<SmsConfig> sms, Optional<OnDemandConfig> onDemand) {

    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(180); // the tunnel adapts it to strict NATs
    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);

    public AgentConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffMin.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("backoffMin is longer than backoffMax");
        }
        services = List.copyOf(services);
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(keySwitch, "keySwitch");
        Objects.requireNonNull(alarms, "alarms");
        Objects.requireNonNull(easySetup, "easySetup");
        Objects.requireNonNull(sms, "sms");
        Objects.requireNonNull(onDemand, "onDemand");
    }

    /** Without Easy Setup, SMS or on-demand. */
    public AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
            Duration backoffMax, List<ServiceConfig> services, Optional<ProxySettings> proxy,
            Optional<KeySwitchConfig> keySwitch, Optional<AlarmsConfig> alarms) {
        this(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch, alarms, Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Without alarms. */
    public AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
            Duration backoffMax, List<ServiceConfig> services, Optional<ProxySettings> proxy,
            Optional<KeySwitchConfig> keySwitch) {
        this(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch, Optional.empty());
    }

    /** Without a key switch. */
    public AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
            Duration backoffMax, List<ServiceConfig> services, Optional<ProxySettings> proxy) {
        this(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, Optional.empty());
    }

    /** The same configuration with this key switch. */
    public AgentConfig withKeySwitch(KeySwitchConfig keySwitch) {
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services, proxy,
                Optional.of(keySwitch), alarms, easySetup, sms, onDemand);
    }

    /** The same configuration with these alarms. */
    public AgentConfig withAlarms(AlarmsConfig alarms) {
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch,
                Optional.of(alarms), easySetup, sms, onDemand);
    }

    /** The same configuration with this SMS inbox. */
    public AgentConfig withSms(SmsConfig sms) {
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch, alarms,
                easySetup, Optional.of(sms), onDemand);
    }

    /** The same configuration as an on-demand device. */
    public AgentConfig withOnDemand(OnDemandConfig onDemand) {
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch, alarms,
                easySetup, sms, Optional.of(onDemand));
    }

    /** The same configuration with this Easy Setup location. */
    public AgentConfig withEasySetup(EasySetupConfig easySetup) {
        return new AgentConfig(identity, portal, keepalive, backoffMin, backoffMax, services, proxy, keySwitch, alarms,
                Optional.of(easySetup), sms, onDemand);
    }

    /** Whether {@code run} may start without an identity and wait for one (Easy Setup file or activation SMS). */
    public boolean canSelfRegister() {
        return easySetup.isPresent() || sms.flatMap(SmsConfig::registerAccount).isPresent();
    }

    /** Without a proxy or a key switch. */
    public AgentConfig(Path identity, Optional<URI> portal, Duration keepalive, Duration backoffMin,
            Duration backoffMax, List<ServiceConfig> services) {
        this(identity, portal, keepalive, backoffMin, backoffMax, services, Optional.empty());
    }
}
