package dev.gangway.portal.pki;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A certificate issued to a device; the relay accepts a tunnel only while its certificate is here and not revoked. */
@Entity
@Table(name = "device_certificate")
public class DeviceCertificate {

    /** Certificate serial number, lower-case hex. */
    @Id
    @Column(length = 64)
    private String serial;

    @Column(name = "device_id", nullable = false, length = 36)
    private String deviceId;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    @Column(name = "device_serial", nullable = false, length = 64)
    private String deviceSerial;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revoke_reason", length = 200)
    private String revokeReason;

    protected DeviceCertificate() {
    }

    DeviceCertificate(String serial, String deviceId, String accountId, String deviceSerial, Instant issuedAt,
            Instant notAfter) {
        this.serial = serial;
        this.deviceId = deviceId;
        this.accountId = accountId;
        this.deviceSerial = deviceSerial;
        this.issuedAt = issuedAt;
        this.notAfter = notAfter;
    }

    void revoke(Instant at, String reason) {
        if (revokedAt == null) {
            revokedAt = at;
            revokeReason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        }
    }

    /** Not revoked and not expired at {@code now}. */
    public boolean isValidAt(Instant now) {
        return revokedAt == null && now.isBefore(notAfter);
    }

    public String getSerial() {
        return serial;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public String getAccountId() {
        return accountId;
    }

    public String getDeviceSerial() {
        return deviceSerial;
    }

    public Instant getIssuedAt() {
        return issuedAt;
    }

    public Instant getNotAfter() {
        return notAfter;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }

    public String getRevokeReason() {
        return revokeReason;
    }
}
