package dev.gangway.portal.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A tenant: a machine builder's organisation. Devices and users belong to exactly one account. */
@Entity
@Table(name = "account")
public class Account {

    @Id
    @Column(length = 36)
    private String id;

    @Column(nullable = false, unique = true, length = 64)
    private String name;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "password_min_length", nullable = false)
    private int passwordMinLength = 12;

    /** How many of the four classes (lower case, upper case, digit, other) a password must mix. */
    @Column(name = "password_min_classes", nullable = false)
    private int passwordMinClasses = 3;

    /** Days after which a password must be changed; 0: never. */
    @Column(name = "password_max_age_days", nullable = false)
    private int passwordMaxAgeDays;

    /** How many of a user's previous passwords are refused; 0: none. */
    @Column(name = "password_history", nullable = false)
    private int passwordHistory = 5;

    @Column(name = "lockout_threshold", nullable = false)
    private int lockoutThreshold = 10;

    @Column(name = "lockout_minutes", nullable = false)
    private int lockoutMinutes = 15;

    @Column(name = "session_idle_minutes", nullable = false)
    private int sessionIdleMinutes = 30;

    @Column(name = "session_absolute_hours", nullable = false)
    private int sessionAbsoluteHours = 12;

    /** Every user of the account must sign in with a second factor. */
    @Column(name = "require_two_factor", nullable = false)
    private boolean requireTwoFactor;

    /** Days a browser may skip the second factor after "remember this browser"; 0: never remembered. */
    @Column(name = "remember_browser_days", nullable = false)
    private int rememberBrowserDays = 30;

    protected Account() {
    }

    public Account(String name, Instant createdAt) {
        this.id = UUID.randomUUID().toString();
        this.name = name;
        this.createdAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public int getPasswordMinLength() {
        return passwordMinLength;
    }

    public void setPasswordMinLength(int passwordMinLength) {
        this.passwordMinLength = passwordMinLength;
    }

    public int getPasswordMinClasses() {
        return passwordMinClasses;
    }

    public void setPasswordMinClasses(int passwordMinClasses) {
        this.passwordMinClasses = passwordMinClasses;
    }

    public int getPasswordMaxAgeDays() {
        return passwordMaxAgeDays;
    }

    public void setPasswordMaxAgeDays(int passwordMaxAgeDays) {
        this.passwordMaxAgeDays = passwordMaxAgeDays;
    }

    public int getPasswordHistory() {
        return passwordHistory;
    }

    public void setPasswordHistory(int passwordHistory) {
        this.passwordHistory = passwordHistory;
    }

    public int getLockoutThreshold() {
        return lockoutThreshold;
    }

    public void setLockoutThreshold(int lockoutThreshold) {
        this.lockoutThreshold = lockoutThreshold;
    }

    public int getLockoutMinutes() {
        return lockoutMinutes;
    }

    public void setLockoutMinutes(int lockoutMinutes) {
        this.lockoutMinutes = lockoutMinutes;
    }

    public int getSessionIdleMinutes() {
        return sessionIdleMinutes;
    }

    public void setSessionIdleMinutes(int sessionIdleMinutes) {
        this.sessionIdleMinutes = sessionIdleMinutes;
    }

    public int getSessionAbsoluteHours() {
        return sessionAbsoluteHours;
    }

    public void setSessionAbsoluteHours(int sessionAbsoluteHours) {
        this.sessionAbsoluteHours = sessionAbsoluteHours;
    }

    public boolean isRequireTwoFactor() {
        return requireTwoFactor;
    }

    public void setRequireTwoFactor(boolean requireTwoFactor) {
        this.requireTwoFactor = requireTwoFactor;
    }

    public int getRememberBrowserDays() {
        return rememberBrowserDays;
    }

    public void setRememberBrowserDays(int rememberBrowserDays) {
        this.rememberBrowserDays = rememberBrowserDays;
    }
}
