package dev.gangway.portal.ondemand;

import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Wake-ups; page lookups are account-scoped. */
interface DeviceWakeRepository extends JpaRepository<DeviceWake, String> {

    /** The device's wake-ups, newest first (wake times increase per device). */
    List<DeviceWake> findByAccountIdAndDeviceIdOrderByWakeTimeDesc(String accountId, String deviceId, Pageable page);

    Optional<DeviceWake> findFirstByDeviceIdOrderByWakeTimeDesc(String deviceId);

    Optional<DeviceWake> findByDeviceIdAndWakeTime(String deviceId, long wakeTime);

    /** The device's last wake-ups that came online, newest first: the estimate is their median. */
    List<DeviceWake> findByDeviceIdAndOnlineAtIsNotNullOrderByWakeTimeDesc(String deviceId, Pageable page);

    List<DeviceWake> findByStateIn(Collection<String> states);

    /** The wake-up, its row locked until the transaction ends: every step is taken under this lock. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select w from DeviceWake w where w.id = :id")
    Optional<DeviceWake> findByIdForUpdate(@Param("id") String id);
}
