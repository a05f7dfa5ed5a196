package dev.gangway.client;

import java.io.StringReader;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A CA that signs the client's certificate requests as the portal would (clientAuth, short-lived). */
public final class TestCa {

    private final KeyPair key;
    private final X509Certificate certificate;
    private final AtomicLong serial = new AtomicLong(2);

    public TestCa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        key = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Test CA");
        certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name,
                key.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Signs the PEM request {@code csrPem} for {@code life}. */
    public X509Certificate sign(String csrPem, Duration life) throws Exception {
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=Test CA"), BigInteger.valueOf(serial.getAndIncrement()), Date.from(now),
                Date.from(now.plus(life)), new X500Name("CN=user-1, O=acme"),
                new JcaPKCS10CertificationRequest(csr).getPublicKey())
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    /** A key and certificate this CA issued. */
    public record Issued(java.security.PrivateKey key, X509Certificate certificate) {
        public X509Certificate[] chain() {
            return new X509Certificate[] {certificate};
        }
    }

    /** The relay's certificate: serverAuth, for 127.0.0.1. */
    public Issued relay() throws Exception {
        return issue("relay", KeyPurposeId.id_kp_serverAuth, true);
    }

    /** A device certificate: clientAuth, CN = the device id. */
    public Issued device(String deviceId) throws Exception {
        return issue(deviceId, KeyPurposeId.id_kp_clientAuth, false);
    }

    private Issued issue(String cn, KeyPurposeId purpose, boolean loopbackName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Test CA"),
                BigInteger.valueOf(serial.getAndIncrement()), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofHours(1))), new X500Name("CN=" + cn), pair.getPublic());
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (loopbackName) {
            builder.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                    new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress,
                            "127.0.0.1")));
        }
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Issued(pair.getPrivate(), certificate);
    }

    public static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    /** The JSON answer of {@code POST /certificate} for the request in {@code body}, with the relay given. */
    public String certificateAnswer(String body, Duration life, int relayPort) throws Exception {
        String csr = Output.JSON.readTree(body).get("csr").stringValue();
        X509Certificate issued = sign(csr, life);
        java.util.Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("certificate", pem(issued));
        answer.put("ca", pem(certificate));
        answer.put("expiresAt", issued.getNotAfter().toInstant().toString());
        answer.put("relay", java.util.Map.of("host", "127.0.0.1", "port", relayPort));
        return Output.JSON.writeValueAsString(answer);
    }
}
