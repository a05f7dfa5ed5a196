package dev.gangway.portal.client;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticator app for the client API's tests: a random secret in base32 and its RFC 6238 codes (HMAC-SHA1,
 * 6 digits, 30 s). Written apart from the portal's own implementation on purpose.
 */
final class TestTotp {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final byte[] secret;

    private TestTotp(byte[] secret) {
        this.secret = secret;
    }

    static TestTotp random() {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        return new TestTotp(secret);
    }

    /** The secret as an app is given it. */
    String base32() {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : secret) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** The code of the time step {@code offset} steps after now's. */
    String code(int offset) {
        long step = Instant.now().getEpochSecond() / 30 + offset;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offsetInHash = hash[hash.length - 1] & 0x0F;
            int binary = ((hash[offsetInHash] & 0x7F) << 24) | ((hash[offsetInHash + 1] & 0xFF) << 16)
                    | ((hash[offsetInHash + 2] & 0xFF) << 8) | (hash[offsetInHash + 3] & 0xFF);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
