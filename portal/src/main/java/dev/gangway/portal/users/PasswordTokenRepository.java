package dev.gangway.portal.users;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Password links by hash; using one is a conditional update, so of two concurrent uses only one wins. */
interface PasswordTokenRepository extends JpaRepository<PasswordToken, String> {

    Optional<PasswordToken> findByTokenHash(String tokenHash);

    /** Marks the link used if it still works; returns 1 for the one caller that wins. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update PasswordToken t set t.usedAt = :now where t.id = :id and t.usedAt is null and t.expiresAt > :now")
    int markUsed(@Param("id") String id, @Param("now") Instant now);

    /**
     * Ends every link of a user that still works (a newer link, a new password, a disabled user) by moving its end to
     * now; {@code used_at} stays null, so it keeps saying whether a link was really used.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update PasswordToken t set t.expiresAt = :now where t.userId = :userId and t.usedAt is null"
            + " and t.expiresAt > :now")
    int endAll(@Param("userId") String userId, @Param("now") Instant now);

    long countByUserId(String userId);

    /** Removes the links that expired or were used before {@code before}; returns how many. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("delete from PasswordToken t where t.expiresAt < :before or t.usedAt < :before")
    int deleteEndedBefore(@Param("before") Instant before);
}
