package dev.gangway.portal.account;

import dev.gangway.portal.system.DataDirectory;
import dev.gangway.portal.system.KeyFileCipher;
import java.security.GeneralSecurityException;
import org.springframework.stereotype.Component;

/**
 * Encrypts the TOTP secrets kept in the database ({@link KeyFileCipher}, AES-256-GCM), with a key that lives apart
 * from the database in {@code <data-dir>/secrets/totp-key} (0600, created on first use). A stolen database dump alone
 * then does not let anyone compute a user's codes. The user's id is bound in as associated data, so a secret copied
 * onto another user's row does not decrypt.
 */
@Component
class SecretBox {

    private final KeyFileCipher cipher;

    SecretBox(DataDirectory dataDirectory) {
        this.cipher = new KeyFileCipher(dataDirectory.directory("secrets").resolve("totp-key"));
    }

    String seal(byte[] plain, String boundTo) {
        return cipher.seal(plain, boundTo);
    }

    byte[] open(String sealed, String boundTo) {
        try {
            return cipher.open(sealed, boundTo);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a stored TOTP secret (was secrets/totp-key replaced?); "
                    + "an administrator can reset the user's two-factor sign-in", e);
        }
    }
}
