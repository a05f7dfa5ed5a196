package dev.gangway.portal.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Activation key text: 160 random bits as 32 base32 characters in groups of four ({@code ABCD-EFGH-...}), easy to
 * read out over the phone. Typed keys are normalised (case, dashes, spaces, 0/1/8 typed for O/I/B) before hashing.
 * {@link #current} finds the key a page sent back (Easy Setup file, activation SMS) if it still may register its
 * device.
 */
final class ActivationKeys {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int CHARACTERS = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ActivationKeys() {
    }

    /** A new random key in its display form. */
    static String generate() {
        byte[] bytes = new byte[CHARACTERS * 5 / 8];
        RANDOM.nextBytes(bytes);
        StringBuilder out = new StringBuilder(CHARACTERS + CHARACTERS / 4);
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                if (written > 0 && written % 4 == 0) {
                    out.append('-');
                }
                out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
                written++;
            }
        }
        return out.toString();
    }

    /** The canonical form of a typed key, or null when it cannot be a key of ours. */
    static String normalise(String typed) {
        if (typed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(CHARACTERS);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '-', ' ', '\t' -> { }
                case '0' -> out.append('O');
                case '1' -> out.append('I');
                case '8' -> out.append('B');
                default -> {
                    if ((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) {
                        out.append(c);
                    } else {
                        return null;
                    }
                }
            }
        }
        return out.length() == CHARACTERS ? out.toString() : null;
    }

    /** SHA-256 (hex) of the canonical form: what is stored. */
    static String hash(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /**
     * The stored key for {@code text} if it is the current key of {@code deviceId}: of that device, unused, and not
     * expired at {@code now} (a newer key of the device ends the older ones, see
     * {@link ActivationKeyRepository#expireUnused}). The caller has checked that the device is in the user's account.
     *
     * @return empty for a key that is unknown, of another device, used, expired or replaced
     */
    static Optional<ActivationKey> current(ActivationKeyRepository keys, String deviceId, String text, Instant now) {
        String canonical = normalise(text);
        if (canonical == null) {
            return Optional.empty();
        }
        return keys.findByKeyHash(hash(canonical))
                .filter(key -> key.getDeviceId().equals(deviceId))
                .filter(key -> key.getUsedAt() == null)
                .filter(key -> now.isBefore(key.getExpiresAt()));
    }
}
