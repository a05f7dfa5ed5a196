package dev.gangway.portal.rights;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serial;
import java.io.Serializable;

/** A device in a pool (both of the same account, checked before it is written). */
@Entity
@Table(name = "pool_device")
class PoolDevice {

    @EmbeddedId
    private Key id;

    protected PoolDevice() {
    }

    PoolDevice(String poolId, String deviceId) {
        this.id = new Key(poolId, deviceId);
    }

    String poolId() {
        return id.poolId;
    }

    String deviceId() {
        return id.deviceId;
    }

    /** The primary key: pool and device. */
    @Embeddable
    record Key(@Column(name = "pool_id", length = 36) String poolId,
            @Column(name = "device_id", length = 36) String deviceId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
