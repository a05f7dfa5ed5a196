package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A user's WebAuthn user handle: random bytes (base64url) the authenticators keep with the user's passkeys. It is
 * made at the first registration and never says who the user is; the WebAuthn "user name" is the app_user id,
 * unique in the whole portal (user names are unique per account only).
 */
@Entity
@Table(name = "passkey_user")
class PasskeyUser {

    @Id
    @Column(name = "user_id", length = 36)
    private String userId;

    @Column(nullable = false, length = 64)
    private String handle;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected PasskeyUser() {
    }

    PasskeyUser(String userId, String handle, Instant createdAt) {
        this.userId = userId;
        this.handle = handle;
        this.createdAt = createdAt;
    }

    String getUserId() {
        return userId;
    }

    String getHandle() {
        return handle;
    }
}
