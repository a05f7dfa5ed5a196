package dev.gangway.portal.account;

import dev.gangway.portal.system.DataDirectory;
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
import org.springframework.stereotype.Component;

/**
 * Encrypts the TOTP secrets kept in the database (AES-256-GCM), with a key that lives apart from the database in
 * {@code <data-dir>/secrets/totp-key} (0600, created on first use). A stolen database dump alone then does not let
 * anyone compute a user's codes. The user's id is bound in as associated data, so a secret copied onto another
 * user's row does not decrypt.
 *
 * <p>Stored form: {@code v1:} + base64(12-byte nonce + ciphertext + 16-byte tag), 68 characters for a 20-byte secret.
 */
@Component
class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(DataDirectory dataDirectory) {
        this.key = loadOrCreate(dataDirectory.directory("secrets").resolve("totp-key"), random);
    }

    String seal(byte[] plain, String boundTo) {
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

    byte[] open(String sealed, String boundTo) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("the stored TOTP secret has an unknown format");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot decrypt a stored TOTP secret (was secrets/totp-key replaced?); "
                    + "an administrator can reset the user's two-factor sign-in", e);
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
