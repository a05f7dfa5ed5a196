package dev.gangway.portal.desktop.rfb;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFB security type 2, "VNC Authentication": the 16-byte challenge encrypted with DES (ECB, two blocks) under the
 * password's first 8 bytes, zero-padded, each byte's bits mirrored (the historic quirk every VNC server expects).
 * DES is weak; this is the protocol's, not our choice — the tunnel around it carries the confidentiality.
 */
final class VncAuthentication {

    static final int CHALLENGE_LENGTH = 16;

    private VncAuthentication() {
    }

    /** The response to {@code challenge}; wipes its own copies of the password bytes. */
    static byte[] response(byte[] challenge, char[] password) {
        byte[] key = new byte[8];
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            for (int i = 0; i < key.length && encoded.hasRemaining(); i++) {
                key[i] = (byte) (Integer.reverse(encoded.get() & 0xFF) >>> 24);
            }
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return des.doFinal(challenge, 0, CHALLENGE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is not available in this JVM, so VNC passwords cannot be used", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }
}
