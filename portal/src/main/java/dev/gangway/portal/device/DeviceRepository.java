package dev.gangway.portal.device;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Devices; every web-facing lookup goes through the account-scoped methods. */
public interface DeviceRepository extends JpaRepository<Device, String> {

    List<Device> findByAccountIdOrderByNameAsc(String accountId);

    Optional<Device> findByIdAndAccountId(String id, String accountId);

    Optional<Device> findFirstByAccountIdAndNameOrderByCreatedAtAsc(String accountId, String name);
}
