package dev.gangway.portal.ondemand;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Wake-ups of on-demand devices ({@code gangway.on-demand.*}, docs/portal.md).
 *
 * @param answerTimeout how long after a Connect the device may take to come online before the wake-up counts as
 *     failed ("no answer"); default 5 minutes (an SMS to a sleeping modem and a cellular dial-in can take a minute or
 *     two). Between 30 s and 1 h
 * @param defaultEstimate the time from Connect to online the page announces before a wake-up of the device was ever
 *     measured; default 60 s. Between 1 s and the answer timeout
 * @param estimateSamples how many of the device's last successful wake-ups the estimate is the median of; default
 *     20, between 1 and 100
 * @param minBetweenWakes the shortest time between two wake-up SMS to one device (an SMS costs money; a failed
 *     wake-up is not re-sent at the speed of a clicking finger); default 30 s, between 0 and 1 h
 */
@ConfigurationProperties("gangway.on-demand")
public record OnDemandSettings(@DefaultValue("5m") Duration answerTimeout,
        @DefaultValue("60s") Duration defaultEstimate, @DefaultValue("20") int estimateSamples,
        @DefaultValue("30s") Duration minBetweenWakes) {

    public OnDemandSettings {
        if (answerTimeout == null || answerTimeout.compareTo(Duration.ofSeconds(30)) < 0
                || answerTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("gangway.on-demand.answer-timeout must lie between 30s and 1h, e.g. 5m"
                    + " (it is " + answerTimeout + ")");
        }
        if (defaultEstimate == null || defaultEstimate.compareTo(Duration.ofSeconds(1)) < 0
                || defaultEstimate.compareTo(answerTimeout) > 0) {
            throw new IllegalArgumentException("gangway.on-demand.default-estimate must lie between 1s and the answer"
                    + " timeout (" + answerTimeout + "), e.g. 60s (it is " + defaultEstimate + ")");
        }
        if (minBetweenWakes == null || minBetweenWakes.isNegative() || minBetweenWakes.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("gangway.on-demand.min-between-wakes must lie between 0s and 1h, e.g."
                    + " 30s (it is " + minBetweenWakes + ")");
        }
        if (estimateSamples < 1 || estimateSamples > 100) {
            throw new IllegalArgumentException("gangway.on-demand.estimate-samples must lie between 1 and 100, e.g. 20"
                    + " (it is " + estimateSamples + ")");
        }
    }
}
