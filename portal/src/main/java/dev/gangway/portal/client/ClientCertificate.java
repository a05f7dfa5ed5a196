package dev.gangway.portal.client;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A client certificate issued to a client session (the key stays with the client; only the certificate's
 * fingerprint, serial and end are kept). It is good for streams only while both it and its session are live.
 */
@Entity
@Table(name = "client_certificate")
class ClientCertificate {

    /** {@code Tickets.fingerprint}: SHA-256 of the DER encoding, lower-case hex. */
    @Id
    @Column(length = 64)
    private String fingerprint;

    @Column(name = "session_id", nullable = false, length = 36)
    private String sessionId;

    /** The certificate's serial number, hex. */
    @Column(nullable = false, length = 64)
    private String serial;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    protected ClientCertificate() {
    }

    ClientCertificate(String fingerprint, String sessionId, String serial, Instant issuedAt, Instant notAfter) {
        this.fingerprint = fingerprint;
        this.sessionId = sessionId;
        this.serial = serial;
        this.issuedAt = issuedAt;
        this.notAfter = notAfter;
    }

    boolean isValidAt(Instant now) {
        return now.isBefore(notAfter);
    }

    String getFingerprint() {
        return fingerprint;
    }

    String getSessionId() {
        return sessionId;
    }

    String getSerial() {
        return serial;
    }

    Instant getIssuedAt() {
        return issuedAt;
    }

    Instant getNotAfter() {
        return notAfter;
    }
}
