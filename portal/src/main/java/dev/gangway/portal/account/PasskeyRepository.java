package dev.gangway.portal.account;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Passkeys by credential id and by user. */
interface PasskeyRepository extends JpaRepository<Passkey, String> {

    Optional<Passkey> findByCredentialId(String credentialId);

    Optional<Passkey> findByUserIdAndCredentialId(String userId, String credentialId);

    List<Passkey> findByUserIdOrderByCreatedAt(String userId);

    boolean existsByUserId(String userId);

    @Modifying(clearAutomatically = true, flushAutomatically = true)
    @Query("delete from Passkey p where p.userId = :userId")
    int deleteByUser(@Param("userId") String userId);
}
