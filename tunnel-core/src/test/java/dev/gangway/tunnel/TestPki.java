package dev.gangway.tunnel;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA issuing relay and device certificates shaped like the access server's. */
final class TestPki {

    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFFFFFFL);

    final KeyPair caKeys;
    final X509Certificate ca;

    TestPki(String name) {
        caKeys = ecKeys();
        ca = issue(new X500Name("CN=" + name), caKeys, caKeys, null, true, null, Duration.ofDays(1), false);
    }

    /** A key and certificate chain. */
    record Issued(PrivateKey key, X509Certificate[] chain) {
        X509Certificate certificate() {
            return chain[0];
        }

        String serialHex() {
            return chain[0].getSerialNumber().toString(16);
        }
    }

    Issued relay() {
        KeyPair keys = ecKeys();
        X509Certificate cert = issue(new X500Name("CN=relay"), keys, caKeys, ca, false, KeyPurposeId.id_kp_serverAuth,
                Duration.ofDays(1), true);
        return new Issued(keys.getPrivate(), new X509Certificate[] {cert});
    }

    Issued device(String deviceId) {
        return device(deviceId, Duration.ofDays(1));
    }

    Issued device(String deviceId, Duration validity) {
        KeyPair keys = ecKeys();
        X509Certificate cert = issue(new X500Name("CN=" + deviceId + ", SERIALNUMBER=SN-" + deviceId), keys, caKeys, ca,
                false, KeyPurposeId.id_kp_clientAuth, validity, false);
        return new Issued(keys.getPrivate(), new X509Certificate[] {cert});
    }

    /** A stream client's certificate (clientAuth), as the access server issues one per client session. */
    Issued client(String user, Duration validity) {
        KeyPair keys = ecKeys();
        X509Certificate cert = issue(new X500Name("CN=" + user + ", O=acme"), keys, caKeys, ca, false,
                KeyPurposeId.id_kp_clientAuth, validity, false);
        return new Issued(keys.getPrivate(), new X509Certificate[] {cert});
    }

    List<X509Certificate> trust() {
        return List.of(ca);
    }

    static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, KeyPair issuerKeys,
            X509Certificate issuer, boolean isCa, KeyPurposeId purpose, Duration validity, boolean localhostNames) {
        try {
            Instant now = Instant.now();
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (localhostNames) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
