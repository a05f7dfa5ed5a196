package dev.gangway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The benchmark's own throw-away PKI, in the shapes the architecture fixes: an EC P-256 CA, a relay server
 * certificate (serverAuth, SAN localhost and 127.0.0.1), a device certificate ({@code CN=<device id>}, clientAuth
 * only) and an Ed25519 ticket key standing in for the access server's. Files are DER in the run's private work
 * directory; keys are owner-only.
 */
final class TestPki {

    static final String DEVICE_ID = "bench-device";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    TestPki(Path dir) {
        this.dir = dir;
    }

    Path caCert() {
        return dir.resolve("ca.der");
    }

    /** The CA's private key (owner-only; the idle-tunnels scenario mints its devices with it, {@link FleetPki}). */
    Path caKey() {
        return dir.resolve("ca.key");
    }

    Path relayCert() {
        return dir.resolve("relay.der");
    }

    Path relayKey() {
        return dir.resolve("relay.key");
    }

    Path agentCert() {
        return dir.resolve("agent.der");
    }

    Path agentKey() {
        return dir.resolve("agent.key");
    }

    Path ticketPublicKey() {
        return dir.resolve("ticket.pub");
    }

    Path ticketPrivateKey() {
        return dir.resolve("ticket.key");
    }

    /** Makes every key and certificate the tunnel's three processes need. */
    void create() throws IOException, GeneralSecurityException {
        try {
            KeyPair ca = ecKeyPair();
            X500Name caName = new X500Name("CN=Gangway bench CA");
            X509Certificate caCert = sign(caName, ca, caName, ca.getPublic(), null, true, null);

            KeyPair relay = ecKeyPair();
            GeneralNames san = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                // the relay's address on the keepalive scenario's veth (KeepaliveRun)
                new GeneralName(GeneralName.iPAddress, KeepaliveRun.RELAY_ADDRESS)});
            X509Certificate relayCert = sign(caName, ca, new X500Name("CN=localhost"), relay.getPublic(), caCert,
                    false, new Object[] {KeyPurposeId.id_kp_serverAuth, san});

            KeyPair agent = ecKeyPair();
            X509Certificate agentCert = sign(caName, ca,
                    new X500Name("CN=" + DEVICE_ID + ", SERIALNUMBER=bench-serial"), agent.getPublic(), caCert,
                    false, new Object[] {KeyPurposeId.id_kp_clientAuth});

            KeyPair ticket = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

            write(caCert(), caCert.getEncoded(), false);
            write(caKey(), ca.getPrivate().getEncoded(), true);
            write(relayCert(), relayCert.getEncoded(), false);
            write(relayKey(), relay.getPrivate().getEncoded(), true);
            write(agentCert(), agentCert.getEncoded(), false);
            write(agentKey(), agent.getPrivate().getEncoded(), true);
            write(ticketPublicKey(), ticket.getPublic().getEncoded(), false);
            write(ticketPrivateKey(), ticket.getPrivate().getEncoded(), true);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a bench certificate: " + e.getMessage(), e);
        }
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Reads a PKCS#8 private key; {@code algorithm} is "EC" or "Ed25519". */
    static PrivateKey readPrivateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
    }

    static PublicKey readPublicKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Files.readAllBytes(file)));
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, PublicKey subjectKey,
            X509Certificate issuerCert, boolean isCa, Object[] leafExtensions)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(
                BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))),
                subject, subjectKey);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuerCert));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            for (Object e : leafExtensions) {
                if (e instanceof KeyPurposeId purpose) {
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                } else if (e instanceof GeneralNames names) {
                    builder.addExtension(Extension.subjectAlternativeName, false, names);
                }
            }
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static void write(Path file, byte[] bytes, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                secret ? "rw-------" : "rw-r--r--")));
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
