package dev.gangway.portal.device;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A one-time activation key for one device, stored only as a SHA-256 hash. */
@Entity
@Table(name = "activation_key")
class ActivationKey {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "device_id", nullable = false, length = 36)
    private String deviceId;

    @Column(name = "key_hash", nullable = false, unique = true, length = 64)
    private String keyHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    protected ActivationKey() {
    }

    ActivationKey(String deviceId, String keyHash, Instant createdAt, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.deviceId = deviceId;
        this.keyHash = keyHash;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    String getId() {
        return id;
    }

    String getDeviceId() {
        return deviceId;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    Instant getUsedAt() {
        return usedAt;
    }

    Instant getCreatedAt() {
        return createdAt;
    }
}
