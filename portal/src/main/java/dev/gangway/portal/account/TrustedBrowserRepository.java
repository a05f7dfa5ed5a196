package dev.gangway.portal.account;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Remembered browsers by token hash; all of a user's are forgotten at once when their second factor changes. */
interface TrustedBrowserRepository extends JpaRepository<TrustedBrowser, String> {

    Optional<TrustedBrowser> findByTokenHash(String tokenHash);

    long countByUserId(String userId);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from TrustedBrowser b where b.userId = :userId")
    int deleteByUser(@Param("userId") String userId);

    /** Removes the remembered browsers whose end has passed (they are refused anyway); returns how many. */
    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from TrustedBrowser b where b.expiresAt <= :now")
    int deleteExpired(@Param("now") Instant now);
}
