package dev.gangway.portal.account;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Recovery codes by user and hash. */
interface RecoveryCodeRepository extends JpaRepository<RecoveryCode, String> {

    Optional<RecoveryCode> findByUserIdAndCodeHashAndUsedAtIsNull(String userId, String codeHash);

    long countByUserIdAndUsedAtIsNull(String userId);

    /** Marks a code used unless it already is: of two concurrent uses only one gets 1. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update RecoveryCode c set c.usedAt = :now where c.id = :id and c.usedAt is null")
    int markUsed(@Param("id") String id, @Param("now") Instant now);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from RecoveryCode c where c.userId = :userId")
    int deleteByUser(@Param("userId") String userId);
}
