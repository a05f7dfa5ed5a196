package dev.gangway.portal.device;

import dev.gangway.portal.rights.Right;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The wake-ups of on-demand devices as the device page shows them: the steps of the latest one (live) and the report
 * of the last ones (how long each took, how its tunnel ended). Implemented by the on-demand feature
 * ({@code ondemand.Wakes}); declared here so the device pages need not know that feature.
 */
public interface DeviceWakes {

    /**
     * The rights that let a user wake an on-demand device and send it offline: every right that uses its tunnel, and
     * "Manage devices". "View status" alone does not (a wake-up costs an SMS and mobile data).
     */
    Set<Right> CONNECT_RIGHTS = Set.of(Right.OPEN_WEB_HMI, Right.DESKTOP_VIEW, Right.DESKTOP_CONTROL,
            Right.CLIENT_FORWARD, Right.MANAGE_DEVICES);

    /**
     * The device's latest wake-ups, newest first, at most {@code max}; empty for a device of another account.
     *
     * @param accountId the signed-in user's account
     */
    List<WakeView> recent(String accountId, String deviceId, int max);

    /** How long a wake-up of the device takes, as expected now ({@link Estimate}). */
    Estimate estimate(String accountId, String deviceId);

    /**
     * The expected time from Connect to online.
     *
     * @param seconds the median of the device's last measured wake-ups, or the configured default before any
     * @param measured how many wake-ups the median is taken over (0: the default)
     */
    record Estimate(long seconds, int measured) {

        /** In words, for the page: "about 45 s (median of the last 7 wake-ups)". */
        public String words() {
            return "about " + seconds + " s" + (measured == 0 ? " (no wake-up of this device measured yet)"
                    : measured == 1 ? " (as the last wake-up took)" : " (median of the last " + measured
                            + " wake-ups)");
        }
    }

    /**
     * One wake-up.
     *
     * @param id its id
     * @param state {@code sending}, {@code sms-sent}, {@code dialling}, {@code online}, {@code failed}
     * @param inProgress whether it may still reach online (sending, sms-sent, dialling)
     * @param requestedAt when a user asked for it
     * @param requestedBy who ({@code account/user})
     * @param via {@code web} or {@code client}
     * @param smsSentAt when the SMS gateway accepted the wake-up SMS, or null
     * @param diallingAt when the agent reported it is dialling in, or null
     * @param onlineAt when its tunnel came up, or null
     * @param endedAt when that tunnel went down, or null
     * @param endReason why, in words (idle timeout, sent offline by whom, ...), or null
     * @param failure {@code sms-refused} or {@code no-answer} when failed, else null
     * @param message what happens now or what went wrong, in words
     * @param estimateSeconds the expected time from request to online
     * @param elapsedSeconds seconds since the request (for an ongoing one), or from request to online
     */
    record WakeView(String id, String state, boolean inProgress, Instant requestedAt, String requestedBy, String via,
            Instant smsSentAt, Instant diallingAt, Instant onlineAt, Instant endedAt, String endReason,
            String failure, String message, long estimateSeconds, long elapsedSeconds) {
    }
}
