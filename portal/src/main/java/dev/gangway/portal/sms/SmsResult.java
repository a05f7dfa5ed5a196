package dev.gangway.portal.sms;

/**
 * What became of one SMS.
 *
 * @param sent whether the gateway accepted it (for the HTTP provider: it answered 2xx); a gateway's acceptance is
 *     not a delivery report from the phone
 * @param detail for the audit log and the portal log, in plain words; never holds the message text or credentials
 */
public record SmsResult(boolean sent, String detail) {

    public static SmsResult sent(String detail) {
        return new SmsResult(true, detail);
    }

    public static SmsResult failed(String detail) {
        return new SmsResult(false, detail);
    }
}
