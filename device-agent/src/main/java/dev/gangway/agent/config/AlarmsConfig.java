package dev.gangway.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Alarms from the site's LAN ({@code alarms:} in agent.yml): where they wait on disk until the tunnel takes them, how
 * many may wait, and how they come in.
 *
 * @param queueDir the queue's directory (default {@code alarms} next to the identity directory)
 * @param maxAlarms most alarms waiting; beyond that the oldest are dropped
 * @param maxBytes most bytes of alarm files waiting; beyond that the oldest are dropped
 * @param smtpListen where the SMTP listener listens (unresolved host and port), if anywhere
 * @param httpListen where the HTTP API listens (unresolved host and port), if anywhere
 */
public record AlarmsConfig(Path queueDir, int maxAlarms, long maxBytes, Optional<InetSocketAddress> smtpListen,
        Optional<InetSocketAddress> httpListen) {

    public static final int DEFAULT_MAX_ALARMS = 10_000;
    public static final int DEFAULT_MAX_MEGABYTES = 50;
    public static final String DEFAULT_DIR_NAME = "alarms";

    public AlarmsConfig {
        Objects.requireNonNull(queueDir, "queueDir");
        Objects.requireNonNull(smtpListen, "smtpListen");
        Objects.requireNonNull(httpListen, "httpListen");
        if (maxAlarms < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the alarm queue needs room for at least one alarm");
        }
    }
}
