package dev.gangway.portal.device;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Activation keys by hash; using one is a conditional update so two registrations cannot both win. */
interface ActivationKeyRepository extends JpaRepository<ActivationKey, String> {

    Optional<ActivationKey> findByKeyHash(String keyHash);

    /** Marks the key used if it still is unused; returns 1 for the one caller that wins. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update ActivationKey k set k.usedAt = :now where k.id = :id and k.usedAt is null")
    int markUsed(@Param("id") String id, @Param("now") Instant now);

    /** Ends the unused keys of a device (a new key replaces them). */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update ActivationKey k set k.expiresAt = :now where k.deviceId = :deviceId and k.usedAt is null"
            + " and k.expiresAt > :now")
    int expireUnused(@Param("deviceId") String deviceId, @Param("now") Instant now);
}
