package dev.gangway.portal.account;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as RFC 6238 defines them and every authenticator app computes them: HMAC-SHA1 over
 * the 30-second time step since the epoch, dynamically truncated to 6 digits. Written here (30 lines) rather than
 * taken from a library so that the one place that decides a second factor is small enough to read whole; it is
 * checked against the RFC's test vectors.
 */
final class Totp {

    /** Seconds per time step. */
    static final int STEP_SECONDS = 30;

    /** Digits of a code. */
    static final int DIGITS = 6;

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {
    }

    /** The time step an instant falls in. */
    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code of a secret at a time step. */
    static String code(byte[] secret, long step) {
        return code("HmacSHA1", secret, step, DIGITS);
    }

    /** Any HMAC and length, for the RFC's vectors (which use 8 digits and SHA-256/512 too). */
    static String code(String hmac, byte[] secret, long step, int digits) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(secret, hmac));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0F;
            int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                    | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
            return String.format(Locale.ROOT, "%0" + digits + "d", binary % POWERS[digits]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + hmac + " is not available", e);
        }
    }

    /**
     * The step among {@code step - 1}, {@code step}, {@code step + 1} (one step of clock drift either way) whose code
     * is {@code code}, or -1. Compared in constant time so the response time does not tell how close a guess was.
     */
    static long matchingStep(byte[] secret, String code, long step) {
        long found = -1;
        byte[] given = code.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (long s = step - 1; s <= step + 1; s++) {
            byte[] expected = code(secret, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && found < 0) {
                found = s;
            }
        }
        return found;
    }

    /** Whether the text has the shape of a code: exactly 6 ASCII digits. */
    static boolean looksLikeCode(String text) {
        if (text.length() != DIGITS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
