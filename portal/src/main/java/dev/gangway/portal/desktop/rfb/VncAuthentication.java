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
public final class VncAuthentication {

    static final int CHALLENGE_LENGTH = 16;
    /** The fixed key under which VNC servers keep their password files ({@code vncpasswd -f}). */
    private static final byte[] PASSWORD_FILE_KEY = {23, 82, 107, 6, 35, 78, 88, 7};

    private VncAuthentication() {
    }

    /** The response to {@code challenge}; wipes its own copies of the password bytes. */
    static byte[] response(byte[] challenge, char[] password) {
        byte[] key = new byte[8];
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            for (int i = 0; i < key.length && encoded.hasRemaining(); i++) {
                key[i] = encoded.get();
            }
            return des(key, challenge, CHALLENGE_LENGTH);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    /**
     * A VNC server's password file for {@code password}, as {@code vncpasswd -f} writes it: its first 8 UTF-8 bytes,
     * zero-padded, DES-encrypted under VNC's fixed key (used for a private Xvnc's {@code -rfbauth} file).
     */
    public static byte[] passwordFile(String password) {
        byte[] plain = Arrays.copyOf(password.getBytes(StandardCharsets.UTF_8), 8);
        try {
            return des(PASSWORD_FILE_KEY.clone(), plain, plain.length);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** DES/ECB of {@code data}'s first {@code length} bytes under {@code key} with each byte's bits mirrored. */
    private static byte[] des(byte[] key, byte[] data, int length) {
        byte[] mirrored = new byte[8];
        for (int i = 0; i < 8; i++) {
            mirrored[i] = (byte) (Integer.reverse(key[i] & 0xFF) >>> 24);
        }
        try {
            Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
            des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(mirrored, "DES"));
            return des.doFinal(data, 0, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DES is not available in this JVM, so VNC passwords cannot be used", e);
        } finally {
            Arrays.fill(mirrored, (byte) 0);
        }
    }
}
