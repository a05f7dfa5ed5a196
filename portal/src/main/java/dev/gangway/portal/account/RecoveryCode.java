package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One of a user's ten one-time recovery codes, kept only as a SHA-256 hash (the codes carry 60 random bits). */
@Entity
@Table(name = "recovery_code")
class RecoveryCode {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "code_hash", nullable = false, length = 64)
    private String codeHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "used_at")
    private Instant usedAt;

    protected RecoveryCode() {
    }

    RecoveryCode(String userId, String codeHash, Instant createdAt) {
        this.id = UUID.randomUUID().toString();
        this.userId = userId;
        this.codeHash = codeHash;
        this.createdAt = createdAt;
    }

    String getId() {
        return id;
    }

    Instant getUsedAt() {
        return usedAt;
    }
}
