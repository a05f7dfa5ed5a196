package dev.gangway.portal.users;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A one-time link that lets a user set their password: an invitation or a reset. Only the SHA-256 of the token is
 * kept, so a copy of the database opens no account.
 */
@Entity
@Table(name = "password_token")
class PasswordToken {

    /** The link of a newly created user, who has no password yet. */
    static final String INVITE = "invite";
    /** The link an administrator sends when a user needs a new password. */
    static final String RESET = "reset";

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "token_hash", nullable = false, unique = true, length = 64)
    private String tokenHash;

    @Column(nullable = false, length = 16)
    private String purpose;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "used_at")
    private Instant usedAt;

    protected PasswordToken() {
    }

    PasswordToken(String userId, String tokenHash, String purpose, Instant createdAt, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.userId = userId;
        this.tokenHash = tokenHash;
        this.purpose = purpose;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    String getId() {
        return id;
    }

    String getUserId() {
        return userId;
    }

    String getPurpose() {
        return purpose;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    Instant getUsedAt() {
        return usedAt;
    }

    /** Whether the link still works: never used and not past its end. */
    boolean isUsableAt(Instant now) {
        return usedAt == null && now.isBefore(expiresAt);
    }
}
