package dev.gangway.portal.device;

import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks that a report sent by a device agent to {@code /api/agent/v1} came from the device it names: the same checks
 * as {@link SiteAccessReports} (the agent API has no session and, the portal possibly being plain HTTP behind a proxy,
 * no client certificate; so the report carries the device certificate and is signed with the device's key,
 * {@code SHA256withECDSA} over the exact body bytes, base64 in {@value #SIGNATURE_HEADER}). In this order: the
 * certificate was signed by this portal's CA and is within its dates, the signature matches its key (before anything
 * is looked up), this portal issued it (by serial) and has not revoked it, and it names the device the report is
 * about. Used by the on-demand wake-up progress reports. Stateless, thread-safe.
 */
@Component
public class AgentReportSignatures {

    public static final String SIGNATURE_HEADER = "Gangway-Signature";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Longest certificate PEM taken. */
    public static final int MAX_CERTIFICATE = 8192;
    private static final int MAX_SIGNATURE = 512;

    /** A report refused, with the HTTP status and a sentence for the agent's log. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final HttpStatus status;

        public RefusedException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }

        public HttpStatus status() {
            return status;
        }
    }

    private final DeviceCertificates certificates;
    private final CertificateAuthority authority;
    private final Clock clock;

    AgentReportSignatures(DeviceCertificates certificates, CertificateAuthority authority, Clock clock) {
        this.certificates = certificates;
        this.authority = authority;
        this.clock = clock;
    }

    /**
     * Checks the report.
     *
     * @param body the exact body bytes that were signed
     * @param signature the {@value #SIGNATURE_HEADER} header, or null
     * @param certificatePem the certificate the body carries
     * @param deviceId the device the body names
     * @return the certificate as this portal issued it
     * @throws RefusedException saying why not (401 unsigned, 400 malformed, 403 not this device's)
     */
    public DeviceCertificate verify(byte[] body, String signature, String certificatePem, String deviceId) {
        if (signature == null || signature.isBlank()) {
            throw new RefusedException(HttpStatus.UNAUTHORIZED, "the report is not signed: send the device key's "
                    + SIGNATURE_ALGORITHM + " signature of the body, base64, in the " + SIGNATURE_HEADER + " header");
        }
        X509Certificate certificate = certificate(certificatePem);
        verifySignature(certificate, body, signature.strip());
        return issuedTo(certificate, deviceId);
    }

    private X509Certificate certificate(String pem) {
        if (pem == null || pem.length() > MAX_CERTIFICATE) {
            throw new RefusedException(HttpStatus.BAD_REQUEST, "certificate must be the device certificate (PEM)");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw new RefusedException(HttpStatus.BAD_REQUEST, "certificate must be the device certificate (PEM)");
        }
        try {
            certificate.verify(authority.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new RefusedException(HttpStatus.FORBIDDEN, "the certificate was not issued by this portal");
        }
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new RefusedException(HttpStatus.FORBIDDEN, "the device certificate is not valid now (until "
                    + certificate.getNotAfter().toInstant() + "): register the device again");
        }
        return certificate;
    }

    private static void verifySignature(X509Certificate certificate, byte[] body, String signature) {
        boolean valid;
        try {
            if (signature.length() > MAX_SIGNATURE) {
                throw new IllegalArgumentException("too long");
            }
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(body);
            valid = verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw new RefusedException(HttpStatus.FORBIDDEN, "the signature does not match the report and the"
                    + " device certificate");
        }
    }

    private DeviceCertificate issuedTo(X509Certificate certificate, String deviceId) {
        String serial = DeviceCertificates.serialOf(certificate);
        DeviceCertificate issued = certificates.findBySerial(serial).orElseThrow(() -> new RefusedException(
                HttpStatus.FORBIDDEN, "unknown device certificate: register the device again"));
        if (issued.getRevokedAt() != null) {
            throw new RefusedException(HttpStatus.FORBIDDEN, "this device's certificate was revoked: register the"
                    + " device again");
        }
        if (!issued.getDeviceId().equals(deviceId) || !deviceId.equals(commonName(certificate))) {
            throw new RefusedException(HttpStatus.FORBIDDEN, "the certificate is not device " + deviceId + "'s");
        }
        return issued;
    }

    private static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }
}
