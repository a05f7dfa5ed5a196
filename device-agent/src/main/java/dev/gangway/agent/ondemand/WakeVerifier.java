package dev.gangway.agent.ondemand;

import dev.gangway.agent.sms.SmsInbox;
import dev.gangway.agent.sms.SmsMessage;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a wake-up SMS counts. In this order: the sender is in {@code sms.allowed-senders} (when that list is
 * set); the text is {@code GANGWAY WAKE <t> <signature>}; the signature is the portal CA's over this device's id and
 * {@code t} (checked with the CA certificate(s) of the identity, {@code ca.pem}: a message signed for another device,
 * or by another portal, fails here); {@code t} is within {@link #WINDOW} of the agent's clock; and {@code t} is later
 * than the last wake-up accepted ({@link LastWake}, on disk: a replayed SMS fails here, also after a restart). An
 * accepted {@code t} is written down before {@link #verify} returns.
 *
 * <h2>Threading</h2> Thread-safe.
 */
public final class WakeVerifier {

    /** How far the message's time may be from the agent's clock (either way). */
    public static final Duration WINDOW = Duration.ofSeconds(600);
    static final String ALGORITHM = "SHA256withECDSA";

    private final String deviceId;
    private final List<X509Certificate> cas;
    private final Set<String> allowedSenders;
    private final LastWake lastWake;
    private final Clock clock;

    public WakeVerifier(String deviceId, List<X509Certificate> cas, List<String> allowedSenders, LastWake lastWake,
            Clock clock) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.cas = List.copyOf(cas);
        Set<String> senders = new HashSet<>();
        allowedSenders.forEach(s -> senders.add(SmsInbox.normalizeNumber(s)));
        this.allowedSenders = senders;
        this.lastWake = Objects.requireNonNull(lastWake, "lastWake");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks {@code sms} and, if it counts, records its time.
     *
     * @return the accepted wake-up
     * @throws WakeRefusedException saying why it does not count
     */
    public WakeMessage verify(SmsMessage sms) throws WakeRefusedException {
        if (!allowedSenders.isEmpty() && !allowedSenders.contains(SmsInbox.normalizeNumber(sms.sender()))) {
            throw new WakeRefusedException("the sender " + sms.sender() + " is not in sms.allowed-senders");
        }
        WakeMessage wake = WakeMessage.parse(sms.text());
        if (!signedByOurPortal(wake)) {
            throw new WakeRefusedException("its signature does not match: it was not signed by this device's portal"
                    + " for this device (" + deviceId + ")");
        }
        long now = clock.instant().getEpochSecond();
        long skew = wake.at() - now;
        if (Math.abs(skew) > WINDOW.toSeconds()) {
            throw new WakeRefusedException("it is dated " + Math.abs(skew) + " s " + (skew < 0 ? "ago" : "ahead")
                    + ", more than the " + WINDOW.toSeconds() + " s allowed (" + (skew < 0
                            ? "it took too long to arrive, or it is an old message sent again"
                            : "check this device's clock") + ")");
        }
        synchronized (this) {
            if (!lastWake.advanceTo(wake.at())) {
                throw new WakeRefusedException("it is not newer than the last wake-up accepted (time " + lastWake.last()
                        + "): a message sent again, or an older one arriving late");
            }
        }
        return wake;
    }

    private boolean signedByOurPortal(WakeMessage wake) {
        byte[] data = WakeMessage.signedBytes(deviceId, wake.at());
        for (X509Certificate ca : cas) {
            try {
                Signature verifier = Signature.getInstance(ALGORITHM);
                verifier.initVerify(ca.getPublicKey());
                verifier.update(data);
                if (verifier.verify(wake.signature())) {
                    return true;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // a CA with another key type, or a malformed signature: not this one
            }
        }
        return false;
    }
}
