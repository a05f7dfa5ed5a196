package dev.gangway.portal.ondemand;

import java.io.Serial;

/**
 * A Connect or Send offline that cannot be done, with the reason as a code ({@link Reason#code}, the client API's
 * error code) and a sentence for the user that says what to do.
 */
public final class WakeRefused extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Why; each with its HTTP status for the client API. */
    public enum Reason {
        /** No such device in the user's account, or no right on it (404, like an id that does not exist). */
        NOT_FOUND("no-such-device", 404),
        /** The user may see the device but holds no right to connect to it. */
        NO_RIGHT("no-right", 403),
        /** The device is always connected. */
        NOT_ON_DEMAND("not-on-demand", 409),
        /** No phone number is set for the device's SIM. */
        NO_PHONE_NUMBER("no-phone-number", 409),
        /** The site's key switch is off: a wake-up cannot change that. */
        SITE_DISABLED("site-disabled", 409),
        /** A wake-up SMS was sent to the device moments ago. */
        TOO_SOON("too-soon", 429),
        /** Send offline: the device holds no tunnel. */
        NOT_ONLINE("not-online", 409),
        /** The relay is not running (the portal is stopping or starting). */
        RELAY_UNAVAILABLE("relay-unavailable", 503);

        private final String code;
        private final int status;

        Reason(String code, int status) {
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    WakeRefused(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
