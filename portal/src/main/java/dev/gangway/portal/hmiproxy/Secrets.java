package dev.gangway.portal.hmiproxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** Random session ids, entry tokens and cookie secrets, and their constant-time comparison. */
final class Secrets {

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Characters of a session id: 160 random bits in lowercase base32. */
    static final int SESSION_ID_LENGTH = 32;

    private Secrets() {
    }

    /** 160 random bits as 32 lowercase base32 characters: a valid DNS label, case-insensitive like host names. */
    static String sessionId() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        StringBuilder id = new StringBuilder(SESSION_ID_LENGTH);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                id.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return id.toString();
    }

    static boolean looksLikeSessionId(String label) {
        if (label.length() != SESSION_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '2' && c <= '7')) {
                return false;
            }
        }
        return true;
    }

    /** 256 random bits, URL- and cookie-safe. */
    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean sameSecret(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
