package dev.gangway.client.portal;

import java.time.Instant;

/**
 * How far an on-demand device's wake-up got, as the portal tells it ({@code POST} and {@code GET
 * /devices/{id}/wake}).
 *
 * @param state           {@code sending}, {@code sms-sent}, {@code dialling}, {@code online} or {@code failed}
 * @param inProgress      whether it may still come online
 * @param estimateSeconds the time from the request to online the portal expects (the median of the device's last
 *                        wake-ups, or its default)
 * @param elapsedSeconds  seconds since the request (to online, once online)
 * @param message         the portal's words about the current step or the failure
 * @param smsSentAt       when the SMS gateway took the wake-up SMS, or null
 * @param diallingAt      when the device reported it is dialling in, or null
 * @param onlineAt        when it came online, or null
 * @param failure         {@code sms-refused} or {@code no-answer} when failed, else null
 */
public record WakeProgress(String state, boolean inProgress, long estimateSeconds, long elapsedSeconds,
        String message, Instant smsSentAt, Instant diallingAt, Instant onlineAt, String failure) {

    public static final String ONLINE = "online";
    public static final String FAILED = "failed";

    public boolean online() {
        return ONLINE.equals(state);
    }

    public boolean failed() {
        return FAILED.equals(state);
    }
}
