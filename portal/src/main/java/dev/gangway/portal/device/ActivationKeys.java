package dev.gangway.portal.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Activation key text: 160 random bits as 32 base32 characters in groups of four ({@code ABCD-EFGH-...}), easy to
 * read out over the phone. Typed keys are normalised (case, dashes, spaces, 0/1/8 typed for O/I/B) before hashing.
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
}
