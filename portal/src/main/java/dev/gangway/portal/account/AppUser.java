package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A person who signs in to the portal; unique by account and user name ignoring case (the database's constraint on
 * {@code username_key}). The password is kept only as a hash.
 */
@Entity
@Table(name = "app_user")
// Updates write only the columns that changed, so that a sign-in resetting its failure count does not write back an
// "enabled" or expiry that an administrator changed meanwhile (as Device does for its key-switch state).
@DynamicUpdate
public class AppUser {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    @Column(nullable = false, length = 64)
    private String username;

    /** The user name in lower case, set with the name: the database keeps it unique per account. */
    @Column(name = "username_key", nullable = false, length = 64)
    private String usernameKey;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(length = 254)
    private String email;

    /** Where the user's alarm SMS go, in international form ({@link PhoneNumbers}); null: no SMS. */
    @Column(name = "phone_number", length = PhoneNumbers.MAX_LENGTH)
    private String phoneNumber;

    /** Administrator of the account: every right on every device, and the admin pages. */
    @Column(name = "account_admin", nullable = false)
    private boolean accountAdmin;

    /** Access ends at this instant (temporary access); null: no end. */
    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "password_changed_at")
    private Instant passwordChangedAt;

    @Column(name = "must_change_password", nullable = false)
    private boolean mustChangePassword;

    /** An administrator requires this user to sign in with a second factor. */
    @Column(name = "require_two_factor", nullable = false)
    private boolean requireTwoFactor;

    @Column(name = "failed_attempts", nullable = false)
    private int failedAttempts;

    @Column(name = "locked_until")
    private Instant lockedUntil;

    /** The TOTP secret, encrypted; null: no authenticator app enrolled. */
    @Column(name = "totp_secret")
    private String totpSecret;

    /** The last TOTP time step accepted, so a code works once. */
    @Column(name = "totp_last_step", nullable = false)
    private long totpLastStep;

    @Column(name = "totp_enabled_at")
    private Instant totpEnabledAt;

    /** When a passkey was last added or removed (part of the session stamp); null: never. */
    @Column(name = "passkeys_changed_at")
    private Instant passkeysChangedAt;

    protected AppUser() {
    }

    public AppUser(String accountId, String username, String passwordHash, Instant createdAt) {
        this.id = UUID.randomUUID().toString();
        this.accountId = accountId;
        setUsername(username);
        this.passwordHash = passwordHash;
        this.enabled = true;
        this.createdAt = createdAt;
        this.passwordChangedAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public String getAccountId() {
        return accountId;
    }

    public String getUsername() {
        return username;
    }

    /** The name and its case-insensitive key: always set together. */
    private void setUsername(String username) {
        this.username = username;
        this.usernameKey = usernameKey(username);
    }

    /** What makes two user names the same one: the name in lower case (user names are ASCII). */
    public static String usernameKey(String username) {
        return username == null ? null : username.toLowerCase(Locale.ROOT);
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getPhoneNumber() {
        return phoneNumber;
    }

    /** Sets the phone number, which must be in the form {@link PhoneNumbers#normalise} gives (or null). */
    public void setPhoneNumber(String phoneNumber) {
        if (phoneNumber != null && !PhoneNumbers.isNormalised(phoneNumber)) {
            throw new IllegalArgumentException("phone number not in international form: use PhoneNumbers.normalise");
        }
        this.phoneNumber = phoneNumber;
    }

    public boolean isAccountAdmin() {
        return accountAdmin;
    }

    public void setAccountAdmin(boolean accountAdmin) {
        this.accountAdmin = accountAdmin;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Instant getPasswordChangedAt() {
        return passwordChangedAt;
    }

    public void setPasswordChangedAt(Instant passwordChangedAt) {
        this.passwordChangedAt = passwordChangedAt;
    }

    public boolean isMustChangePassword() {
        return mustChangePassword;
    }

    public void setMustChangePassword(boolean mustChangePassword) {
        this.mustChangePassword = mustChangePassword;
    }

    public boolean isRequireTwoFactor() {
        return requireTwoFactor;
    }

    public void setRequireTwoFactor(boolean requireTwoFactor) {
        this.requireTwoFactor = requireTwoFactor;
    }

    public int getFailedAttempts() {
        return failedAttempts;
    }

    public void setFailedAttempts(int failedAttempts) {
        this.failedAttempts = failedAttempts;
    }

    public Instant getLockedUntil() {
        return lockedUntil;
    }

    public void setLockedUntil(Instant lockedUntil) {
        this.lockedUntil = lockedUntil;
    }

    public String getTotpSecret() {
        return totpSecret;
    }

    public void setTotpSecret(String totpSecret) {
        this.totpSecret = totpSecret;
    }

    public long getTotpLastStep() {
        return totpLastStep;
    }

    public void setTotpLastStep(long totpLastStep) {
        this.totpLastStep = totpLastStep;
    }

    public Instant getTotpEnabledAt() {
        return totpEnabledAt;
    }

    public void setTotpEnabledAt(Instant totpEnabledAt) {
        this.totpEnabledAt = totpEnabledAt;
    }

    public Instant getPasskeysChangedAt() {
        return passkeysChangedAt;
    }

    public void setPasskeysChangedAt(Instant passkeysChangedAt) {
        this.passkeysChangedAt = passkeysChangedAt;
    }

    /** Whether the user's access has ended (temporary access past its date). */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether failed sign-ins lock the user at this instant. */
    public boolean isLockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** Whether an authenticator app is enrolled. */
    public boolean hasTotp() {
        return totpSecret != null;
    }
}
