package dev.gangway.portal.device;

import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.CertificateRequest;
import dev.gangway.portal.pki.CsrRejectedException;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.Pem;
import dev.gangway.portal.relay.RelayDirectory;
import dev.gangway.portal.system.AuditLog;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers a device agent: checks the request, consumes the activation key, records the device's serial and
 * issues its certificate, all in one transaction, so a refusal or failure leaves nothing behind (the key stays
 * usable after a malformed request).
 */
@Service
class Registration {

    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[\\x21-\\x7E]{1,64}");

    private final ActivationKeyRepository keys;
    private final DeviceRepository devices;
    private final DeviceCertificates certificates;
    private final CertificateAuthority authority;
    private final RelayDirectory relays;
    private final AuditLog audit;
    private final Clock clock;

    Registration(ActivationKeyRepository keys, DeviceRepository devices, DeviceCertificates certificates,
            CertificateAuthority authority, RelayDirectory relays, AuditLog audit, Clock clock) {
        this.keys = keys;
        this.devices = devices;
        this.certificates = certificates;
        this.authority = authority;
        this.relays = relays;
        this.audit = audit;
        this.clock = clock;
    }

    /** The registration request of the agent API. */
    record Request(String activationKey, String csr, String serial, String agentVersion) {
    }

    /** The answer of a successful registration. */
    record Result(String deviceId, String deviceName, String certificate, String caCertificate, String relayHost,
            int relayPort) {
    }

    @Transactional
    Result register(Request request) {
        if (request == null) {
            throw badRequest("the request body is missing: send JSON with activationKey, csr, serial and agentVersion");
        }
        if (request.activationKey() == null || request.activationKey().isBlank()) {
            throw badRequest("activationKey is missing: pass the key shown on the portal's activation page");
        }
        if (request.serial() == null || request.serial().isBlank()) {
            throw badRequest("serial is missing: send the machine's serial");
        }
        if (!SERIAL.matcher(request.serial()).matches()) {
            throw badRequest("serial must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter "
                    + "or digit");
        }
        if (request.agentVersion() != null && !request.agentVersion().isEmpty()
                && !VERSION.matcher(request.agentVersion()).matches()) {
            throw badRequest("agentVersion must be 1-64 printable characters without spaces");
        }
        CertificateRequest csr;
        try {
            csr = CertificateRequest.parse(request.csr());
        } catch (CsrRejectedException e) {
            throw badRequest(e.getMessage());
        }

        String canonical = ActivationKeys.normalise(request.activationKey());
        ActivationKey key = canonical == null ? null : keys.findByKeyHash(ActivationKeys.hash(canonical)).orElse(null);
        if (key == null) {
            throw new RegistrationException(HttpStatus.FORBIDDEN, "activation key not recognised");
        }
        Instant now = clock.instant();
        if (key.getUsedAt() != null) {
            throw gone("activation key has already been used");
        }
        if (!now.isBefore(key.getExpiresAt())) {
            throw gone("activation key expired on " + key.getExpiresAt().truncatedTo(ChronoUnit.SECONDS));
        }
        if (keys.markUsed(key.getId(), now) != 1) {
            throw gone("activation key has already been used");
        }
        Device device = devices.findById(key.getDeviceId())
                .orElseThrow(() -> new RegistrationException(HttpStatus.GONE,
                        "the device of this activation key was deleted: create the device again"));
        String agentVersion = request.agentVersion() == null || request.agentVersion().isEmpty()
                ? null : request.agentVersion();
        device.registered(request.serial(), agentVersion, now);
        devices.save(device);
        X509Certificate certificate = certificates.issue(csr, device.getAccountId(), device.getId(),
                request.serial());
        audit.record("device.register", "ok", null, device.getAccountId(), device.getId(),
                "serial " + request.serial() + ", certificate " + DeviceCertificates.serialOf(certificate));
        RelayDirectory.RelayAddress relay = relays.relayFor(device.getId());
        return new Result(device.getId(), device.getName(), Pem.certificate(certificate), authority.certificatePem(),
                relay.host(), relay.port());
    }

    private static RegistrationException badRequest(String message) {
        return new RegistrationException(HttpStatus.BAD_REQUEST, message);
    }

    private static RegistrationException gone(String message) {
        return new RegistrationException(HttpStatus.GONE, message);
    }
}
