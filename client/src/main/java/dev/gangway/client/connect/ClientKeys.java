package dev.gangway.client.connect;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The client's key pairs: EC P-256, generated in memory for each certificate and never written anywhere; and
 * the PKCS#10 request the portal signs.
 */
final class ClientKeys {

    private ClientKeys() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no EC P-256 keys: " + e.getMessage(), e);
        }
    }

    /** A PEM certificate request for {@code CN=gangway-client}, signed with SHA256withECDSA; the portal sets the subject. */
    static String csrPem(KeyPair keys) {
        try {
            byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=gangway-client"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
            return "-----BEGIN CERTIFICATE REQUEST-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END CERTIFICATE REQUEST-----\n";
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }

    /** Whether {@code certificate} is for {@code keys}' public key. */
    static boolean matches(X509Certificate certificate, KeyPair keys) {
        return java.util.Arrays.equals(certificate.getPublicKey().getEncoded(), keys.getPublic().getEncoded());
    }
}
