package dev.gangway.portal.pki;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Device certificates by serial, device and the device's serial. */
public interface DeviceCertificateRepository extends JpaRepository<DeviceCertificate, String> {

    List<DeviceCertificate> findByDeviceIdOrderByIssuedAtDesc(String deviceId);

    /** Certificates not yet revoked for this device serial or this device, within one account. */
    @Query("select c from DeviceCertificate c where c.accountId = :accountId and c.revokedAt is null"
            + " and (c.deviceSerial = :deviceSerial or c.deviceId = :deviceId)")
    List<DeviceCertificate> findUnrevoked(@Param("accountId") String accountId,
            @Param("deviceSerial") String deviceSerial, @Param("deviceId") String deviceId);

    long countByDeviceId(String deviceId);
}
