package dev.gangway.agent.register;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class DeviceKeysTest {

    @Test
    void csrNamesTheSerialAndIsSignedWithTheDeviceKey() throws Exception {
        KeyPair keys = DeviceKeys.generate();
        String pem = DeviceKeys.csrPem(DeviceKeys.csr(keys, "SN-4711"));
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n").endsWith("-----END CERTIFICATE REQUEST-----\n");

        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        assertThat(csr.getSubject()).isEqualTo(new X500Name("CN=SN-4711"));
        assertThat(csr.getSignatureAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(csr.getSubjectPublicKeyInfo().getAlgorithm().getParameters())
                .isEqualTo(X9ObjectIdentifiers.prime256v1);
        assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo()))))
                .isTrue();
        assertThat(((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    }

    @Test
    void aTamperedCsrDoesNotVerify() throws Exception {
        KeyPair keys = DeviceKeys.generate();
        byte[] der = DeviceKeys.csr(keys, "SN-1").getEncoded();
        der[der.length - 5] ^= 0x01;
        PKCS10CertificationRequest tampered = new PKCS10CertificationRequest(der);
        assertThat(tampered.isSignatureValid(
                new JcaContentVerifierProviderBuilder().build(new JcaPEMKeyConverter().getPublicKey(tampered.getSubjectPublicKeyInfo())))).isFalse();
    }
}
