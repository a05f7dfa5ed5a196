package dev.gangway.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads the {@code on-demand:} block of agent.yml for {@link ConfigLoader}: {@code idle-timeout-seconds: 600}. */
final class OnDemandSection {

    private static final List<String> KEYS = List.of("idle-timeout-seconds");
    private static final long MIN_IDLE_SECONDS = 10;
    private static final long MAX_IDLE_SECONDS = 86_400;

    private final ConfigLoader loader;

    OnDemandSection(ConfigLoader loader) {
        this.loader = loader;
    }

    Optional<OnDemandConfig> read(JsonNode node, Optional<SmsConfig> sms) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw loader.error("on-demand", "must be a mapping like on-demand: {idle-timeout-seconds: 600}, not "
                    + ConfigLoader.describe(node));
        }
        for (String key : node.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw loader.unknownKey("on-demand." + key, key, KEYS);
            }
        }
        Duration idle = OnDemandConfig.DEFAULT_IDLE_TIMEOUT;
        JsonNode seconds = ConfigLoader.present(node, "idle-timeout-seconds");
        if (seconds != null) {
            if (!seconds.isIntegralNumber()) {
                throw loader.error("on-demand.idle-timeout-seconds", "'" + seconds.asString() + "' is not a whole "
                        + "number of seconds; write e.g. idle-timeout-seconds: 600");
            }
            long value = seconds.longValue();
            if (value < MIN_IDLE_SECONDS || value > MAX_IDLE_SECONDS) {
                throw loader.error("on-demand.idle-timeout-seconds", value + " is out of range; use "
                        + MIN_IDLE_SECONDS + " to " + MAX_IDLE_SECONDS + " seconds");
            }
            idle = Duration.ofSeconds(value);
        }
        if (sms.isEmpty()) {
            throw loader.error("on-demand", "an on-demand device is woken by SMS; add sms: {inbox: "
                    + "/var/spool/gammu/inbox} (the inbox of gammu-smsd's files backend), or remove on-demand:");
        }
        return Optional.of(new OnDemandConfig(idle));
    }
}
