package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A browser a user asked to remember: it may skip the TOTP step until {@code expiresAt}. Only the token's hash. */
@Entity
@Table(name = "trusted_browser")
class TrustedBrowser {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    @Column(name = "user_agent", length = 200)
    private String userAgent;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected TrustedBrowser() {
    }

    TrustedBrowser(String userId, String tokenHash, String userAgent, Instant createdAt, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.userId = userId;
        this.tokenHash = tokenHash;
        this.userAgent = userAgent == null || userAgent.length() <= 200 ? userAgent : userAgent.substring(0, 200);
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    String getUserId() {
        return userId;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }
}
