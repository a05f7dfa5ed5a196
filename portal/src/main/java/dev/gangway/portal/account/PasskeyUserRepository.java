package dev.gangway.portal.account;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** WebAuthn user handles by user id and by handle. */
interface PasskeyUserRepository extends JpaRepository<PasskeyUser, String> {

    Optional<PasskeyUser> findByHandle(String handle);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from PasskeyUser u where u.userId = :userId")
    int deleteByUser(@Param("userId") String userId);
}
