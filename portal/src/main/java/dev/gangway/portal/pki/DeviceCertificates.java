package dev.gangway.portal.pki;

import dev.gangway.portal.system.AuditLog;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues and revokes device certificates. A device serial has one valid certificate per account: issuing a new one
 * revokes every earlier certificate of that serial (and of that device) at once, in the same transaction, and
 * {@link CertificatesRevoked} tells the relay to drop their tunnels after commit.
 */
@Service
public class DeviceCertificates {

    private final CertificateAuthority authority;
    private final DeviceCertificateRepository certificates;
    private final PkiSettings settings;
    private final ApplicationEventPublisher events;
    private final AuditLog audit;
    private final Clock clock;

    DeviceCertificates(CertificateAuthority authority, DeviceCertificateRepository certificates, PkiSettings settings,
            ApplicationEventPublisher events, AuditLog audit, Clock clock) {
        this.authority = authority;
        this.certificates = certificates;
        this.settings = settings;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    /** Issues a certificate to a device, revoking the earlier ones of its serial; joins the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public X509Certificate issue(CertificateRequest request, String accountId, String deviceId, String deviceSerial) {
        X509Certificate certificate = authority.issueDeviceCertificate(request, deviceId, deviceSerial,
                settings.deviceCertificateValidity());
        String serial = Crypto.hex(certificate.getSerialNumber());
        revoke(certificates.findUnrevoked(accountId, deviceSerial, deviceId), "superseded by certificate " + serial,
                null);
        Instant now = clock.instant();
        certificates.save(new DeviceCertificate(serial, deviceId, accountId, deviceSerial, now,
                certificate.getNotAfter().toInstant()));
        audit.record("certificate.issue", "ok", null, accountId, deviceId, "serial " + serial);
        return certificate;
    }

    /** Revokes every certificate of a device (e.g. by a user's action). */
    @Transactional
    public int revokeDevice(String accountId, String deviceId, String actor, String reason) {
        List<DeviceCertificate> live = certificates.findByDeviceIdOrderByIssuedAtDesc(deviceId).stream()
                .filter(c -> c.getAccountId().equals(accountId) && c.getRevokedAt() == null)
                .toList();
        revoke(live, reason, actor);
        return live.size();
    }

    private void revoke(List<DeviceCertificate> live, String reason, String actor) {
        if (live.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Set<String> devices = new LinkedHashSet<>();
        for (DeviceCertificate certificate : live) {
            certificate.revoke(now, reason);
            devices.add(certificate.getDeviceId());
            audit.record("certificate.revoke", "ok", actor, certificate.getAccountId(), certificate.getDeviceId(),
                    "serial " + certificate.getSerial() + ": " + reason);
        }
        certificates.saveAll(live);
        events.publishEvent(new CertificatesRevoked(devices));
    }

    /** The certificate with this serial (lower-case hex), if we issued it. */
    @Transactional(readOnly = true)
    public Optional<DeviceCertificate> findBySerial(String serialHex) {
        return certificates.findById(serialHex);
    }

    /** Whether the device holds a certificate that is neither revoked nor expired. */
    @Transactional(readOnly = true)
    public boolean hasValidCertificate(String deviceId) {
        Instant now = clock.instant();
        return certificates.findByDeviceIdOrderByIssuedAtDesc(deviceId).stream().anyMatch(c -> c.isValidAt(now));
    }

    /** The certificate serial in the form stored here. */
    public static String serialOf(X509Certificate certificate) {
        return Crypto.hex(certificate.getSerialNumber());
    }
}
