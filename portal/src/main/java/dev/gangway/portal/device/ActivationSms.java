package dev.gangway.portal.device;

import dev.gangway.portal.sms.SmsResult;
import dev.gangway.portal.sms.SmsSender;
import org.springframework.stereotype.Component;

/**
 * Sends a device its activation key by SMS: {@code GANGWAY KEY <key> <portal URL>}, which its agent reads from its SMS
 * inbox and registers with by itself — if {@code portal:} in its agent.yml names the same portal
 * (docs/commissioning.md). Sent through {@link SmsSender}, which audits the result as {@value #AUDIT_ACTION} (never the
 * text: it holds the key).
 *
 * <p>Blocks for as long as the SMS gateway takes (its timeouts); call it outside a transaction. Thread-safe.
 */
@Component
class ActivationSms {

    static final String AUDIT_ACTION = "activation-key.sms";

    private final SmsSender sender;

    ActivationSms(SmsSender sender) {
        this.sender = sender;
    }

    /** The text of the SMS. */
    static String text(String keyText, String portalUrl) {
        return "GANGWAY KEY " + EasySetupFiles.display(ActivationKeys.normalise(keyText)) + " " + portalUrl;
    }

    /**
     * Sends the key.
     *
     * @param phoneNumber in stored form ({@code +491701234567})
     * @param actor who asked, for the audit log
     */
    SmsResult send(Device device, String keyText, String portalUrl, String phoneNumber, String actor) {
        return sender.send(phoneNumber, text(keyText, portalUrl), new SmsSender.Audit(AUDIT_ACTION,
                device.getAccountId(), device.getId(), "activation key for " + device.getName() + " sent by "
                        + actor));
    }
}
