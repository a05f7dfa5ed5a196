package dev.gangway.portal.sms;

import dev.gangway.portal.system.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends an SMS through the configured {@link SmsGateway} and records the result in the audit log (result {@code ok}
 * or {@code failed}, the recipient and the gateway's answer; never the text, which may hold a secret such as an
 * activation key).
 *
 * <p>Blocking for as long as the gateway takes (its timeouts): call it from a thread of your own. Thread-safe.
 */
@Component
public class SmsSender {

    private static final Logger log = LoggerFactory.getLogger(SmsSender.class);

    private final SmsGateway gateway;
    private final AuditLog audit;

    SmsSender(SmsGateway gateway, AuditLog audit) {
        this.gateway = gateway;
        this.audit = audit;
    }

    /**
     * Where the result is audited.
     *
     * @param action the audit action, e.g. {@code alarm.sms}
     * @param accountId the account the SMS is sent for
     * @param deviceId the device it concerns, or null
     * @param context what the SMS is about, for the audit detail (e.g. {@code alarm "Pump 3" to alice})
     */
    public record Audit(String action, String accountId, String deviceId, String context) {
    }

    /** Sends {@code text} to {@code to}; the result is audited and returned, a gateway error is never thrown. */
    public SmsResult send(String to, String text, Audit about) {
        SmsResult result;
        try {
            result = gateway.send(to, text);
        } catch (RuntimeException e) {
            log.warn("The SMS gateway failed on an SMS to {}", to, e);
            result = SmsResult.failed("the SMS gateway failed: " + e.getClass().getSimpleName());
        }
        if (text.length() >= 8 && result.detail() != null && result.detail().contains(text)) {
            // a gateway that echoes the message would put it (an activation key, a wake-up signature) into the
            // log, the audit and the page
            result = new SmsResult(result.sent(), result.detail().replace(text, "[the message]"));
        }
        if (!result.sent() && !(gateway instanceof LogOnlySmsGateway)) {
            log.warn("SMS to {} ({}) not sent: {}", to, about.context(), result.detail());
        }
        audit.record(about.action(), result.sent() ? "ok" : "failed", null, about.accountId(), about.deviceId(),
                about.context() + ", to " + to + ": " + result.detail());
        return result;
    }
}
