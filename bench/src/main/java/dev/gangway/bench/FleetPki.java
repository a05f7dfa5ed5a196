package dev.gangway.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The idle-tunnels scenario's throw-away PKI: an EC P-256 CA whose key stays in the run's private work directory
 * (the load generators sign their devices' certificates with it), a relay certificate (serverAuth, SAN localhost and
 * 127.0.0.1) and an Ed25519 ticket key. Every device gets a key pair and certificate of its own,
 * {@code CN=fleet-<n>}, clientAuth only, made in the generator that runs it ({@link Minter}). Files are DER; keys are
 * PKCS#8 and owner-only.
 */
final class FleetPki {

    /** Device ids are this prefix and a number; the scenario's relay admits exactly these (and the CA vouches). */
    static final String DEVICE_PREFIX = "fleet-";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    FleetPki(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path caCert() {
        return dir.resolve("ca.der");
    }

    Path caKey() {
        return dir.resolve("ca.key");
    }

    Path relayCert() {
        return dir.resolve("relay.der");
    }

    Path relayKey() {
        return dir.resolve("relay.key");
    }

    Path ticketPublicKey() {
        return dir.resolve("ticket.pub");
    }

    /** Makes the CA, the relay's certificate and the ticket key: {@link TestPki}'s, in this directory. */
    void create() throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        new TestPki(dir).create();
    }

    static String deviceId(int n) {
        return DEVICE_PREFIX + n;
    }

    /** A device's key and certificate. */
    record Device(String id, PrivateKey key, X509Certificate certificate) {
    }

    /**
     * Makes device identities with the CA's key, one after the other on the calling thread (not thread-safe: the
     * signer is reused). About a millisecond each.
     */
    static final class Minter {
        private final X500Name caName;
        private final X509Certificate caCert;
        private final ContentSigner signer;
        private final org.bouncycastle.asn1.x509.AuthorityKeyIdentifier authorityKeyId;
        private final KeyPairGenerator generator;
        private final JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        private final Instant now = Instant.now();

        Minter(FleetPki pki) throws IOException, GeneralSecurityException {
            this.caCert = TestPki.readCertificate(pki.caCert());
            this.caName = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
            try {
                this.signer = new JcaContentSignerBuilder("SHA256withECDSA")
                        .build(TestPki.readPrivateKey(pki.caKey(), "EC"));
            } catch (OperatorCreationException e) {
                throw new GeneralSecurityException("cannot use the bench CA key: " + e.getMessage(), e);
            }
            this.authorityKeyId = new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCert);
            this.generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        }

        X509Certificate caCertificate() {
            return caCert;
        }

        Device mint(int n) throws GeneralSecurityException {
            KeyPair keys = generator.generateKeyPair();
            String id = deviceId(n);
            try {
                X509v3CertificateBuilder b = builder(caName, new X500Name("CN=" + id), keys.getPublic(), now);
                b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId);
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                return new Device(id, keys.getPrivate(), converter.getCertificate(b.build(signer)));
            } catch (IOException e) {
                throw new GeneralSecurityException("cannot make the certificate of " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant now) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
    }
}
