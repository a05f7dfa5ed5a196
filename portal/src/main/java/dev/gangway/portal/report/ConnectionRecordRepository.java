package dev.gangway.portal.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Connection records. Written through {@link ConnectionReport}; the report pages read them with SQL. */
public interface ConnectionRecordRepository extends JpaRepository<ConnectionRecord, String> {

    /** A record by id, only within the account. */
    Optional<ConnectionRecord> findByIdAndAccountId(String id, String accountId);

    List<ConnectionRecord> findByAccountIdOrderByStartedAtDesc(String accountId);

    /** Bytes so far of a connection that is still open; a closed one is left alone. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update ConnectionRecord r set r.bytesIn = :bytesIn, r.bytesOut = :bytesOut"
            + " where r.id = :id and r.endedAt is null")
    int progress(@Param("id") String id, @Param("bytesIn") long bytesIn, @Param("bytesOut") long bytesOut);

    /** Closes every open record (after a crash nothing is live any more); returns how many. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update ConnectionRecord r set r.endedAt = :at, r.endReason = :reason where r.endedAt is null")
    int closeAllOpen(@Param("at") Instant at, @Param("reason") String reason);
}
