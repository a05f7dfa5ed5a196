package dev.gangway.portal.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets kept in the database (AES-256-GCM) with a key that lives apart from the database, in a file of
 * the data directory (0600, created on first use): a stolen database dump alone reveals none of them. Each value is
 * bound to what it belongs to (associated data, e.g. the user's id), so a value copied onto another row does not
 * decrypt.
 *
 * <p>Stored form: {@code v1:} + base64(12-byte nonce + ciphertext + 16-byte tag). Thread-safe.
 */
public final class KeyFileCipher {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    /** Loads the key from {@code keyFile}, or creates it there (owner-only) when the file does not exist. */
    public KeyFileCipher(Path keyFile) {
        this.key = loadOrCreate(keyFile, random);
    }

    /** Encrypts {@code plain}, bound to {@code boundTo}. */
    public String seal(byte[] plain, String boundTo) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a value {@link #seal} made with the same {@code boundTo}.
     *
     * @throws GeneralSecurityException when the value has an unknown format, was made with another key or for
     *     something else, or was altered
     */
    public byte[] open(String sealed, String boundTo) throws GeneralSecurityException {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new GeneralSecurityException("unknown format of a stored secret");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("a stored secret is not base64", e);
        }
    }

    private static SecretKey loadOrCreate(Path file, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                byte[] bytes = Base64.getDecoder().decode(Files.readString(file).strip());
                if (bytes.length != 32) {
                    throw new IllegalStateException(file + " does not hold a 256-bit key");
                }
                return new SecretKeySpec(bytes, "AES");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not base64: restore it from the backup of the data directory",
                    e);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        DataDirectory.writeOwnerOnly(file, Base64.getEncoder().encodeToString(bytes) + "\n");
        return new SecretKeySpec(bytes, "AES");
    }
}
