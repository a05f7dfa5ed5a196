package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A passkey (WebAuthn credential) a user registered as their second factor. Everything WebAuthn needs to check a
 * later assertion is kept (public key, signature counter, the attestation it was registered with), its binary
 * values as base64url text; nothing in it is a secret. See {@link PasskeyCredentials} for the mapping to Spring
 * Security's {@code CredentialRecord}.
 */
@Entity
@Table(name = "passkey")
class Passkey {

    /** Longest label, as the column. */
    static final int MAX_LABEL_LENGTH = 64;

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(name = "credential_id", nullable = false, length = 1400)
    private String credentialId;

    @Column(nullable = false, length = MAX_LABEL_LENGTH)
    private String label;

    @Column(name = "credential_type", nullable = false, length = 32)
    private String credentialType;

    @Column(name = "public_key", nullable = false, length = 4000)
    private String publicKey;

    @Column(name = "signature_count", nullable = false)
    private long signatureCount;

    @Column(name = "uv_initialized", nullable = false)
    private boolean uvInitialized;

    @Column(name = "backup_eligible", nullable = false)
    private boolean backupEligible;

    @Column(name = "backup_state", nullable = false)
    private boolean backupState;

    /** Transport names, comma separated ("internal,hybrid"). */
    @Column(nullable = false, length = 200)
    private String transports;

    @Column(name = "attestation_object", nullable = false, length = 16000)
    private String attestationObject;

    @Column(name = "client_data_json", nullable = false, length = 4000)
    private String clientDataJson;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected Passkey() {
    }

    Passkey(String userId, String credentialId, String label, Instant createdAt) {
        this.id = UUID.randomUUID().toString();
        this.userId = userId;
        this.credentialId = credentialId;
        this.label = label;
        this.createdAt = createdAt;
    }

    String getId() {
        return id;
    }

    String getUserId() {
        return userId;
    }

    /** The credential id, base64url; how the page names a passkey (it is the user's own, and no secret). */
    String getCredentialId() {
        return credentialId;
    }

    String getLabel() {
        return label;
    }

    String getCredentialType() {
        return credentialType;
    }

    void setCredentialType(String credentialType) {
        this.credentialType = credentialType;
    }

    String getPublicKey() {
        return publicKey;
    }

    void setPublicKey(String publicKey) {
        this.publicKey = publicKey;
    }

    long getSignatureCount() {
        return signatureCount;
    }

    void setSignatureCount(long signatureCount) {
        this.signatureCount = signatureCount;
    }

    boolean isUvInitialized() {
        return uvInitialized;
    }

    void setUvInitialized(boolean uvInitialized) {
        this.uvInitialized = uvInitialized;
    }

    boolean isBackupEligible() {
        return backupEligible;
    }

    void setBackupEligible(boolean backupEligible) {
        this.backupEligible = backupEligible;
    }

    boolean isBackupState() {
        return backupState;
    }

    void setBackupState(boolean backupState) {
        this.backupState = backupState;
    }

    String getTransports() {
        return transports;
    }

    void setTransports(String transports) {
        this.transports = transports;
    }

    String getAttestationObject() {
        return attestationObject;
    }

    void setAttestationObject(String attestationObject) {
        this.attestationObject = attestationObject;
    }

    String getClientDataJson() {
        return clientDataJson;
    }

    void setClientDataJson(String clientDataJson) {
        this.clientDataJson = clientDataJson;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getLastUsedAt() {
        return lastUsedAt;
    }

    void setLastUsedAt(Instant lastUsedAt) {
        this.lastUsedAt = lastUsedAt;
    }
}
