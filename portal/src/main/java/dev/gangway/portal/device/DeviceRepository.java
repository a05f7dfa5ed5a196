package dev.gangway.portal.device;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Devices; every web-facing lookup goes through the account-scoped methods. */
public interface DeviceRepository extends JpaRepository<Device, String> {

    List<Device> findByAccountIdOrderByNameAsc(String accountId);

    Optional<Device> findByIdAndAccountId(String id, String accountId);

    Optional<Device> findFirstByAccountIdAndNameOrderByCreatedAtAsc(String accountId, String name);

    /** The device, its row locked until the transaction ends (site-access reports are ordered under this lock). */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select d from Device d where d.id = :id")
    Optional<Device> findByIdForUpdate(@Param("id") String id);
}
