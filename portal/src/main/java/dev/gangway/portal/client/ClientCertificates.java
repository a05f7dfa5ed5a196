package dev.gangway.portal.client;

import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.CertificateRequest;
import dev.gangway.portal.pki.CsrRejectedException;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.tunnel.Tickets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues short-lived client certificates to client sessions and finds them again by fingerprint. The request must
 * carry an EC P-256 key and be signed with it ({@link CertificateRequest}); the certificate ends after
 * {@code gangway.client.certificate-lifetime} (1 h) or with its session, whichever comes first. At most
 * {@value #MAX_VALID_PER_SESSION} valid certificates per session, so a client cannot fill the table.
 */
@Service
class ClientCertificates {

    static final int MAX_VALID_PER_SESSION = 20;

    private final CertificateAuthority authority;
    private final ClientCertificateRepository certificates;
    private final ClientSessionRepository sessions;
    private final ClientSettings settings;
    private final AuditLog audit;
    private final Clock clock;

    ClientCertificates(CertificateAuthority authority, ClientCertificateRepository certificates,
            ClientSessionRepository sessions, ClientSettings settings, AuditLog audit, Clock clock) {
        this.authority = authority;
        this.certificates = certificates;
        this.sessions = sessions;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Checks the request and issues a certificate for the caller's session; audited
     * ({@code client.certificate.issue}).
     *
     * @throws ClientApiException 400 {@code bad-csr} naming what is wrong, 429 {@code too-many-certificates} over
     *     the limit
     */
    @Transactional
    X509Certificate issue(ClientPrincipal caller, String csrPem) {
        CertificateRequest request;
        try {
            request = CertificateRequest.parse(csrPem);
        } catch (CsrRejectedException e) {
            throw new ClientApiException(HttpStatus.BAD_REQUEST, "bad-csr", e.getMessage());
        }
        ClientSession session = sessions.findById(caller.sessionId()).orElseThrow(
                () -> ClientApiException.sessionEnded("Your session ended: sign in again (gangway login)."));
        Instant now = clock.instant();
        if (certificates.countBySessionIdAndNotAfterAfter(session.getId(), now) >= MAX_VALID_PER_SESSION) {
            throw new ClientApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-certificates", "This session "
                    + "holds " + MAX_VALID_PER_SESSION + " certificates that are still valid: use one of them, or sign "
                    + "in again.");
        }
        Instant notAfter = now.plus(settings.certificateLifetime());
        if (notAfter.isAfter(session.getExpiresAt())) {
            notAfter = session.getExpiresAt();
        }
        if (!notAfter.isAfter(now)) {
            throw ClientApiException.sessionEnded("Your session ended (its time was up): sign in again "
                    + "(gangway login).");
        }
        X509Certificate certificate = authority.issueClientCertificate(request, caller.user().userId(),
                caller.user().accountId(), notAfter);
        String fingerprint = Tickets.fingerprint(certificate);
        String serial = certificate.getSerialNumber().toString(16);
        certificates.save(new ClientCertificate(fingerprint, session.getId(), serial, now, notAfter));
        audit.record("client.certificate.issue", "ok", caller.getName(), caller.user().accountId(), null,
                "client certificate " + serial + " for session " + session.getId() + ", valid until " + notAfter);
        return certificate;
    }

    /** The session's certificate with this fingerprint, if it issued one that is still valid. */
    @Transactional(readOnly = true)
    Optional<ClientCertificate> valid(String sessionId, String fingerprint) {
        if (fingerprint == null || fingerprint.length() != 64) {
            return Optional.empty();
        }
        return certificates.findByFingerprintAndSessionId(fingerprint, sessionId)
                .filter(c -> c.isValidAt(clock.instant()));
    }

    /** Any certificate by fingerprint (the relay's look-up: the session is checked next). */
    @Transactional(readOnly = true)
    Optional<ClientCertificate> find(String fingerprint) {
        return fingerprint == null ? Optional.empty() : certificates.findById(fingerprint);
    }
}
