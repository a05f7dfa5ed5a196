package dev.gangway.portal.relay;

import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.tunnel.DeviceAuthorizer;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Lets a device certificate hold a tunnel only if this portal issued it (by serial, already chain-checked by TLS),
 * it is not revoked or expired, and its CN is the device it was issued to.
 */
class CertificateDeviceAuthorizer implements DeviceAuthorizer {

    private final DeviceCertificates certificates;
    private final Clock clock;

    CertificateDeviceAuthorizer(DeviceCertificates certificates, Clock clock) {
        this.certificates = certificates;
        this.clock = clock;
    }

    @Override
    public DeviceIdentity authorize(X509Certificate certificate) throws TunnelException {
        String serial = DeviceCertificates.serialOf(certificate);
        DeviceCertificate record = certificates.findBySerial(serial).orElseThrow(
                () -> TunnelException.of(TunnelError.UNKNOWN_DEVICE, "certificate " + serial));
        if (record.getRevokedAt() != null) {
            throw TunnelException.of(TunnelError.REVOKED, "certificate " + serial + " of device "
                    + record.getDeviceId() + " was revoked at " + record.getRevokedAt());
        }
        if (!record.isValidAt(clock.instant())) {
            throw TunnelException.of(TunnelError.REVOKED, "certificate " + serial + " expired at "
                    + record.getNotAfter());
        }
        if (!record.getDeviceId().equals(commonName(certificate))) {
            throw TunnelException.of(TunnelError.UNKNOWN_DEVICE, "certificate " + serial
                    + " does not name the device it was issued to");
        }
        return new DeviceIdentity(record.getDeviceId(), serial);
    }

    private static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }
}
