package dev.gangway.portal.client;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A signed-in Gangway client: a bearer token (only its SHA-256 is kept) for one user, until {@code expiresAt}, idle
 * timeout, sign-out or the end of the user's access. The credentials stamp is the user's password and second factor
 * at sign-in: when either changes, the session ends at its next use. Its client certificates live only as long as
 * it does.
 */
@Entity
@Table(name = "client_session")
class ClientSession {

    static final int ADDRESS_LENGTH = 64;
    static final int REASON_LENGTH = 200;

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    @Column(name = "credentials_stamp", nullable = false, length = 64)
    private String credentialsStamp;

    @Column(name = "client_address", length = ADDRESS_LENGTH)
    private String clientAddress;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "last_used_at", nullable = false)
    private Instant lastUsedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Column(name = "end_reason", length = REASON_LENGTH)
    private String endReason;

    protected ClientSession() {
    }

    ClientSession(String accountId, String userId, String tokenHash, String credentialsStamp, String clientAddress,
            Instant createdAt, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.accountId = accountId;
        this.userId = userId;
        this.tokenHash = tokenHash;
        this.credentialsStamp = credentialsStamp;
        this.clientAddress = cut(clientAddress, ADDRESS_LENGTH);
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.lastUsedAt = createdAt;
    }

    /** Whether it may still be used at {@code now}, idle timeout aside (the caller knows the account's). */
    boolean isLiveAt(Instant now) {
        return endedAt == null && now.isBefore(expiresAt);
    }

    void used(Instant at) {
        this.lastUsedAt = at;
    }

    void end(Instant at, String reason) {
        if (endedAt == null) {
            this.endedAt = at;
            this.endReason = cut(reason, REASON_LENGTH);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    String getId() {
        return id;
    }

    String getAccountId() {
        return accountId;
    }

    String getUserId() {
        return userId;
    }

    String getTokenHash() {
        return tokenHash;
    }

    String getCredentialsStamp() {
        return credentialsStamp;
    }

    String getClientAddress() {
        return clientAddress;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getExpiresAt() {
        return expiresAt;
    }

    Instant getLastUsedAt() {
        return lastUsedAt;
    }

    Instant getEndedAt() {
        return endedAt;
    }

    String getEndReason() {
        return endReason;
    }
}
