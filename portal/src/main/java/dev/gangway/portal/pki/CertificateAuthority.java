package dev.gangway.portal.pki;

import dev.gangway.portal.system.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The portal's certificate authority. Created on first start (EC P-256, valid ten years) and kept in
 * {@code <data-dir>/ca/} ({@code ca-key.pem} 0600, {@code ca-cert.pem}, directory 0700).
 *
 * <p>Issuance is narrow on purpose: a device certificate's subject is {@code CN=<device id>, SERIALNUMBER=<serial>}
 * from our own records, it is for TLS client authentication only, is not a CA and has no subject alternative names,
 * whatever the request asked for. A client certificate (the Gangway client's, short-lived) is the same with the
 * subject {@code CN=<user id>, O=<account id>}.
 */
@Component
public class CertificateAuthority {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);
    private static final Duration CA_VALIDITY = Duration.ofDays(3653);
    private static final Duration RELAY_VALIDITY = Duration.ofDays(397);
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Clock clock;
    private final PrivateKey caKey;
    private final X509Certificate caCertificate;

    public CertificateAuthority(DataDirectory dataDirectory, Clock clock) {
        this.clock = clock;
        Path dir = dataDirectory.directory("ca");
        Path keyFile = dir.resolve("ca-key.pem");
        Path certFile = dir.resolve("ca-cert.pem");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            this.caKey = readPrivateKey(keyFile);
            this.caCertificate = readCertificate(certFile);
        } else if (Files.exists(keyFile) || Files.exists(certFile)) {
            throw new IllegalStateException("the CA in " + dir + " is incomplete (ca-key.pem and ca-cert.pem must "
                    + "both exist): restore both from a backup, or delete the directory to create a new CA (every "
                    + "device must then be registered again)");
        } else {
            KeyPair pair = Crypto.newP256KeyPair();
            this.caKey = pair.getPrivate();
            this.caCertificate = createCaCertificate(pair);
            DataDirectory.writeOwnerOnly(keyFile, Pem.privateKey(caKey));
            DataDirectory.writeOwnerOnly(certFile, Pem.certificate(caCertificate));
            log.info("Created a new certificate authority in {} ({})", dir,
                    caCertificate.getSubjectX500Principal().getName());
        }
    }

    /** The CA certificate devices and relays trust. */
    public X509Certificate certificate() {
        return caCertificate;
    }

    /**
     * Signs a statement the devices check with the CA certificate they trust (an Easy Setup file, a wake-up SMS).
     * What is signed is {@code "gangway-" + purpose + "\n"} followed by {@code data}: the prefix keeps statements of
     * different purposes (and certificates, whose DER starts with 0x30) from ever being mistaken for one another.
     *
     * @param purpose a fixed label with a version, e.g. {@code "easy-setup-v1"} or {@code "wake-v1"}
     * @return the SHA256withECDSA signature, DER-encoded
     */
    public byte[] signStatement(String purpose, byte[] data) {
        if (!purpose.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("bad statement purpose: " + purpose);
        }
        try {
            java.security.Signature signer = java.security.Signature.getInstance(SIGNATURE, Crypto.PROVIDER);
            signer.initSign(caKey);
            signer.update(("gangway-" + purpose + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            signer.update(data);
            return signer.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the CA key", e);
        }
    }

    /** The CA certificate as PEM text. */
    public String certificatePem() {
        return Pem.certificate(caCertificate);
    }

    /**
     * Issues a device certificate for a checked request.
     *
     * @param deviceId goes into the CN
     * @param deviceSerial the device's serial, into SERIALNUMBER
     */
    X509Certificate issueDeviceCertificate(CertificateRequest request, String deviceId, String deviceSerial,
            Duration validity) {
        // encoded SERIALNUMBER first, so Java and RFC 4514 render it as "CN=<device id>, SERIALNUMBER=<serial>"
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.SERIALNUMBER, deviceSerial)
                .addRDN(BCStyle.CN, deviceId)
                .build();
        Instant now = clock.instant();
        return sign(subject, request.publicKey(), now.minus(BACKDATE), now.plus(validity), false,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, List.of());
    }

    /**
     * Issues a client certificate for a user of the Gangway client (the client API checked the session): subject
     * {@code CN=<user id>, O=<account id>}, TLS client authentication only, not a CA, no subject alternative names,
     * valid from a few minutes ago (clock skew) until {@code notAfter}, whatever the request asked for.
     *
     * @param notAfter the end of validity; the caller keeps it within the user's client session
     * @throws IllegalArgumentException when {@code notAfter} is not in the future
     */
    public X509Certificate issueClientCertificate(CertificateRequest request, String userId, String accountId,
            Instant notAfter) {
        Instant now = clock.instant();
        if (!notAfter.isAfter(now)) {
            throw new IllegalArgumentException("a client certificate must end in the future, not at " + notAfter);
        }
        // O first, so Java and RFC 4514 render it as "CN=<user id>, O=<account id>"
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, accountId)
                .addRDN(BCStyle.CN, userId)
                .build();
        return sign(subject, request.publicKey(), now.minus(BACKDATE), notAfter, false,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, List.of());
    }

    /**
     * Issues a server certificate for the relay with a fresh key: SAN {@code localhost}, {@code 127.0.0.1} and the
     * given host names or addresses.
     */
    public IssuedKey issueRelayCertificate(Collection<String> hosts) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        for (String host : hosts) {
            if (host != null && !host.isBlank()) {
                names.add(host.strip());
            }
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String name : names) {
            boolean ip = IPV4.matcher(name).matches() || name.indexOf(':') >= 0;
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        KeyPair pair = Crypto.newP256KeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "Gangway relay").build();
        Instant now = clock.instant();
        X509Certificate certificate = sign(subject, pair.getPublic(), now.minus(BACKDATE), now.plus(RELAY_VALIDITY),
                false, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}, sans);
        return new IssuedKey(pair.getPrivate(), certificate);
    }

    /** A private key with its certificate. */
    public record IssuedKey(PrivateKey key, X509Certificate certificate) {
    }

    private X509Certificate sign(X500Name subject, PublicKey publicKey, Instant notBefore, Instant notAfter, boolean ca,
            KeyPurposeId[] purposes, List<GeneralName> sans) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()), Crypto.newSerial(),
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(caCertificate));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return toCertificate(builder.build(signer(caKey)));
        } catch (CertIOException | java.security.NoSuchAlgorithmException | CertificateException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private X509Certificate createCaCertificate(KeyPair pair) {
        String suffix = HexFormat.of().formatHex(Crypto.newSerial().toByteArray(), 0, 4);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Gangway")
                .addRDN(BCStyle.CN, "Gangway CA " + suffix)
                .build();
        Instant now = clock.instant();
        BigInteger serial = Crypto.newSerial();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(pair.getPublic()));
            return toCertificate(builder.build(signer(pair.getPrivate())));
        } catch (CertIOException | java.security.NoSuchAlgorithmException | CertificateException e) {
            throw new IllegalStateException("cannot create the CA certificate: " + e.getMessage(), e);
        }
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(SIGNATURE).setProvider(Crypto.PROVIDER).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder) throws CertificateException {
        return new JcaX509CertificateConverter().setProvider(Crypto.PROVIDER).getCertificate(holder);
    }

    private static PrivateKey readPrivateKey(Path file) {
        try {
            Object parsed = Pem.read(Files.readString(file));
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Crypto.PROVIDER);
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IllegalStateException(file + " holds no private key: restore the CA key from a backup");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA key " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate readCertificate(Path file) {
        try {
            Object parsed = Pem.read(Files.readString(file));
            if (parsed instanceof X509CertificateHolder holder) {
                return toCertificate(holder);
            }
            throw new IllegalStateException(file + " holds no certificate: restore the CA certificate from a backup");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA certificate " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot read the CA certificate " + file + ": " + e.getMessage(), e);
        }
    }
}
