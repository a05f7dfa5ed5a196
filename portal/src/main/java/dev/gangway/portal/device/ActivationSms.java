package dev.gangway.portal.device;

import dev.gangway.portal.sms.SmsResult;
import dev.gangway.portal.sms.SmsSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Sends a device its activation key by SMS: {@code GANGWAY KEY <key> <portal URL>}, which its agent reads from its SMS
 * inbox and registers with by itself — if {@code portal:} in its agent.yml names the same portal
 * (docs/commissioning.md). Sent through {@link SmsSender}, which audits the result as {@value #AUDIT_ACTION} (never the
 * text: it holds the key).
 *
 * <p>Rate-limited, because an SMS costs money and can reach any number: one per key per {@link #PER_DEVICE} (a new key
 * for the same device, e.g. a replacement box, may be sent at once), at
 * most {@link #PER_ACCOUNT_PER_HOUR} per account and hour (in memory, per portal instance); beyond that the SMS is
 * not sent and the answer says when to try again.
 *
 * <p>Blocks for as long as the SMS gateway takes (its timeouts); call it outside a transaction. Thread-safe.
 */
@Component
class ActivationSms {

    static final String AUDIT_ACTION = "activation-key.sms";

    static final Duration PER_DEVICE = Duration.ofMinutes(1);
    static final int PER_ACCOUNT_PER_HOUR = 20;

    private final SmsSender sender;
    private final Clock clock;
    private final Map<String, Instant> lastPerDevice = new HashMap<>();
    private final Map<String, Deque<Instant>> perAccount = new HashMap<>();

    ActivationSms(SmsSender sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
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
        String canonical = ActivationKeys.normalise(keyText);
        String refused = admit(device, canonical == null ? "" : ActivationKeys.hash(canonical));
        if (refused != null) {
            return SmsResult.failed(refused);
        }
        return sender.send(phoneNumber, text(keyText, portalUrl), new SmsSender.Audit(AUDIT_ACTION,
                device.getAccountId(), device.getId(), "activation key for " + device.getName() + " sent by "
                        + actor));
    }

    /** Takes a place in the limits, or says why there is none. */
    private synchronized String admit(Device device, String keyHash) {
        Instant now = clock.instant();
        String perKey = device.getId() + "/" + keyHash;
        Instant last = lastPerDevice.get(perKey);
        if (last != null && now.isBefore(last.plus(PER_DEVICE))) {
            return "this activation key was sent by SMS less than a minute ago; wait a minute before sending it "
                    + "again";
        }
        Deque<Instant> sent = perAccount.computeIfAbsent(device.getAccountId(), a -> new ArrayDeque<>());
        while (!sent.isEmpty() && !now.isBefore(sent.peekFirst().plus(Duration.ofHours(1)))) {
            sent.removeFirst();
        }
        if (sent.size() >= PER_ACCOUNT_PER_HOUR) {
            return "this account has sent " + PER_ACCOUNT_PER_HOUR + " activation SMS in the last hour, the most "
                    + "allowed; try again later";
        }
        sent.addLast(now);
        lastPerDevice.put(perKey, now);
        lastPerDevice.values().removeIf(t -> !now.isBefore(t.plus(PER_DEVICE)) && t != now);
        return null;
    }
}
