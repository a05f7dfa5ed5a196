package dev.gangway.portal.rights;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** Which devices each pool holds. */
interface PoolDeviceRepository extends JpaRepository<PoolDevice, PoolDevice.Key> {

    @Query("select d from PoolDevice d where d.id.poolId = ?1")
    List<PoolDevice> findByPool(String poolId);

    @Query("select d from PoolDevice d where d.id.deviceId = ?1")
    List<PoolDevice> findByDevice(String deviceId);

    @Modifying
    @Query("delete from PoolDevice d where d.id.poolId = ?1")
    int deleteByPool(String poolId);
}
