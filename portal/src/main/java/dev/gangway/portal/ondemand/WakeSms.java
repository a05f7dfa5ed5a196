package dev.gangway.portal.ondemand;

import dev.gangway.portal.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The wake-up SMS: {@code GANGWAY WAKE <epoch seconds> <base64url, no padding, of the CA's signature>} over
 * {@code "<deviceId> <epoch seconds>"} (statement purpose {@value #PURPOSE}, see
 * {@link CertificateAuthority#signStatement}). The agent checks it with the CA certificate of its identity, that the
 * time is within 10 minutes of its clock and later than the last one it accepted, so a recorded SMS cannot wake it
 * again. About 120 characters: one SMS.
 */
final class WakeSms {

    static final String PURPOSE = "wake-v1";
    static final String PREFIX = "GANGWAY WAKE ";

    private WakeSms() {
    }

    static String text(CertificateAuthority authority, String deviceId, long epochSeconds) {
        byte[] signature = authority.signStatement(PURPOSE, statement(deviceId, epochSeconds));
        return PREFIX + epochSeconds + " " + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** The signed bytes (after the CA's purpose line). */
    static byte[] statement(String deviceId, long epochSeconds) {
        return (deviceId + " " + epochSeconds).getBytes(StandardCharsets.UTF_8);
    }
}
