package dev.gangway.portal.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The BouncyCastle provider instance we use (not installed globally) and small key helpers. */
final class Crypto {

    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {
    }

    static KeyPair newP256KeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot generate EC P-256 keys", e);
        }
    }

    /** A random positive 127-bit certificate serial number. */
    static BigInteger newSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    /** The hex form we store and compare serials in. */
    static String hex(BigInteger serial) {
        return serial.toString(16);
    }
}
