package dev.gangway.portal.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Client sessions by token hash, and by user when a user's access ends. */
interface ClientSessionRepository extends JpaRepository<ClientSession, String> {

    Optional<ClientSession> findByTokenHash(String tokenHash);

    /** The user's sessions that have not ended (some may be past their expiry). */
    List<ClientSession> findByAccountIdAndUserIdAndEndedAtIsNull(String accountId, String userId);

    /** Sessions ended or expired before {@code before} (their certificates are deleted first). */
    @Query("select s.id from ClientSession s where s.endedAt < :before or s.expiresAt < :before")
    List<String> findIdsOver(@Param("before") Instant before);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from ClientSession s where s.id in :ids")
    int deleteByIds(@Param("ids") List<String> ids);
}
