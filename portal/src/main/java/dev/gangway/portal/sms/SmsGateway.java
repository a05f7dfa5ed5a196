package dev.gangway.portal.sms;

/**
 * Hands one SMS to whatever delivers it. Implementations are thread-safe and blocking: a call may take as long as
 * the gateway's timeouts, so callers send from a thread of their own, never from a request or an I/O thread. They
 * never throw for a delivery problem; it comes back as a failed {@link SmsResult}.
 */
public interface SmsGateway {

    /**
     * Sends {@code text} to {@code to}.
     *
     * @param to the phone number in international form ({@code +491701234567})
     * @param text the message; the gateway decides how long messages are split or cut
     */
    SmsResult send(String to, String text);
}
