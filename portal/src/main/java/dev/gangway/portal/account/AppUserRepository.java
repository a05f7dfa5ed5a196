package dev.gangway.portal.account;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Users, looked up by account and user name. */
public interface AppUserRepository extends JpaRepository<AppUser, String> {

    Optional<AppUser> findByAccountIdAndUsername(String accountId, String username);

    /** A user by id, only within the account: another account's id answers empty. */
    Optional<AppUser> findByIdAndAccountId(String id, String accountId);

    List<AppUser> findByAccountIdOrderByUsername(String accountId);

    /** The account's administrators (lockout mails go to them). */
    List<AppUser> findByAccountIdAndAccountAdminTrue(String accountId);

    /**
     * Of these accounts' users, those who are disabled or whose access ended by {@code now}: whoever of them still
     * has a live HMI session loses it ({@code device/HmiSessionEnding}).
     */
    @Query("select u from AppUser u where u.accountId in :accounts and (u.enabled = false or u.expiresAt <= :now)")
    List<AppUser> findWithoutAccessIn(@Param("accounts") Collection<String> accounts, @Param("now") Instant now);

    /** Counts one failed sign-in (an atomic update: concurrent failures are all counted). */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update AppUser u set u.failedAttempts = u.failedAttempts + 1 where u.id = :id")
    int countFailure(@Param("id") String id);

    /**
     * Locks the user until {@code until} and starts counting afresh, if the failures reached the threshold; of two
     * concurrent failures at the threshold only one gets 1 (so one lockout mail goes out).
     */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update AppUser u set u.lockedUntil = :until, u.failedAttempts = 0 "
            + "where u.id = :id and u.failedAttempts >= :threshold")
    int lockIfReached(@Param("id") String id, @Param("threshold") int threshold, @Param("until") Instant until);

    /** Accepts a TOTP time step once: of two uses of the same (or an older) step only the first gets 1. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("update AppUser u set u.totpLastStep = :step where u.id = :id and u.totpLastStep < :step")
    int acceptTotpStep(@Param("id") String id, @Param("step") long step);
}
