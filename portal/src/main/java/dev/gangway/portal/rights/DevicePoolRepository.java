package dev.gangway.portal.rights;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Pools, always looked up within an account. */
interface DevicePoolRepository extends JpaRepository<DevicePool, String> {

    List<DevicePool> findByAccountIdOrderByName(String accountId);

    Optional<DevicePool> findByIdAndAccountId(String id, String accountId);

    boolean existsByAccountIdAndName(String accountId, String name);
}
