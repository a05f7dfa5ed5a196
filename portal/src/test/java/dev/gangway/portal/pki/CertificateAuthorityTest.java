package dev.gangway.portal.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.system.DataDirectory;
import dev.gangway.portal.system.GangwaySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dataDir;

    private CertificateAuthority ca;

    @BeforeEach
    void createCa() {
        ca = new CertificateAuthority(new DataDirectory(new GangwaySettings(dataDir, null)), Clock.systemUTC());
    }

    @Test
    void deviceCertificateTakesItsSubjectFromOurRecordsAndGrantsNothingTheCsrAskedFor() throws Exception {
        KeyPair key = TestCsr.ecKey("secp256r1");
        CertificateRequest request = CertificateRequest.parse(TestCsr.greedy(key));

        X509Certificate cert = ca.issueDeviceCertificate(request, "3f0c9d1e-device", "SN-4711", Duration.ofDays(30));

        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        assertThat(subject.getRDNs()).hasSize(2);
        assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue()))
                .isEqualTo("3f0c9d1e-device");
        assertThat(IETFUtils.valueToString(subject.getRDNs(BCStyle.SERIALNUMBER)[0].getFirst().getValue()))
                .isEqualTo("SN-4711");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        cert.verify(ca.certificate().getPublicKey());
        cert.checkValidity();
    }

    @Test
    void caIsEcP256SelfSignedForTenYearsAndKeptOwnerOnly() throws Exception {
        X509Certificate caCert = ca.certificate();
        assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(caCert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(Duration.between(caCert.getNotBefore().toInstant(), caCert.getNotAfter().toInstant()).toDays())
                .isGreaterThanOrEqualTo(3650);
        caCert.verify(caCert.getPublicKey());

        Path dir = dataDir.resolve("ca");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void secondStartLoadsTheSameCa() {
        CertificateAuthority again = new CertificateAuthority(new DataDirectory(new GangwaySettings(dataDir, null)),
                Clock.systemUTC());
        assertThat(again.certificate()).isEqualTo(ca.certificate());
    }

    @Test
    void relayCertificateIsForServersAndNamesLocalhostLoopbackAndThePublicHost() throws Exception {
        CertificateAuthority.IssuedKey relay = ca.issueRelayCertificate(List.of("relay.example.com", "198.18.0.1"));
        X509Certificate cert = relay.certificate();
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(cert.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", "relay.example.com", "198.18.0.1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        cert.verify(ca.certificate().getPublicKey());
    }

    @Test
    void refusesCsrWhoseSignatureDoesNotMatchItsKey() {
        String csr = TestCsr.mismatched(TestCsr.ecKey("secp256r1"), TestCsr.ecKey("secp256r1"));
        assertThatThrownBy(() -> CertificateRequest.parse(csr)).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("signature does not match");
    }

    @Test
    void acceptsOnlyEcP256Keys() {
        assertThatThrownBy(() -> CertificateRequest.parse(TestCsr.plain(TestCsr.rsaKey(1024))))
                .isInstanceOf(CsrRejectedException.class).hasMessageContaining("key of type RSA");
        assertThatThrownBy(() -> CertificateRequest.parse(TestCsr.plain(TestCsr.ecKey("secp384r1"))))
                .isInstanceOf(CsrRejectedException.class).hasMessageContaining("P-256");
        // the contract is EC P-256: even a strong RSA key is refused, with the fix in the message
        assertThatThrownBy(() -> CertificateRequest.parse(TestCsr.plain(TestCsr.rsaKey(2048))))
                .isInstanceOf(CsrRejectedException.class)
                .hasMessage("csr holds a key of type RSA, which is not accepted: only EC P-256 (secp256r1) keys are; "
                        + "generate an EC P-256 key");
        assertThat(CertificateRequest.parse(TestCsr.plain(TestCsr.ecKey("secp256r1"))).publicKey())
                .isInstanceOf(java.security.interfaces.ECPublicKey.class);
    }

    @Test
    void refusesTextThatIsNoCsr() {
        assertThatThrownBy(() -> CertificateRequest.parse("hello")).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("BEGIN CERTIFICATE REQUEST");
        assertThatThrownBy(() -> CertificateRequest.parse(ca.certificatePem()))
                .isInstanceOf(CsrRejectedException.class);
        assertThatThrownBy(() -> CertificateRequest.parse(null)).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("csr is missing");
        assertThatThrownBy(() -> CertificateRequest.parse(
                "-----BEGIN CERTIFICATE REQUEST-----\nAAAA!!!!\n-----END CERTIFICATE REQUEST-----\n"))
                .isInstanceOf(CsrRejectedException.class);
    }
}
