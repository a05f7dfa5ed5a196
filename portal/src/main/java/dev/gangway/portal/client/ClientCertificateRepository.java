package dev.gangway.portal.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Client certificates by fingerprint (the relay's look-up for each stream) and by session. */
interface ClientCertificateRepository extends JpaRepository<ClientCertificate, String> {

    Optional<ClientCertificate> findByFingerprintAndSessionId(String fingerprint, String sessionId);

    /** The fingerprints of every certificate issued to the session (its streams' ticket holders). */
    @Query("select c.fingerprint from ClientCertificate c where c.sessionId = :sessionId")
    List<String> findFingerprintsBySessionId(@Param("sessionId") String sessionId);

    /** How many of the session's certificates are still valid at {@code now}. */
    long countBySessionIdAndNotAfterAfter(String sessionId, Instant now);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from ClientCertificate c where c.sessionId in :sessionIds")
    int deleteBySessionIds(@Param("sessionIds") List<String> sessionIds);
}
