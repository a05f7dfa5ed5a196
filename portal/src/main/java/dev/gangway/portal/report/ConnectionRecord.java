package dev.gangway.portal.report;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One connection of the report: an HMI session, later a desktop session or a client forward. The user's and the
 * device's names are copied at the start, so the row still says who and what after a rename or a deletion.
 * Written only through {@link ConnectionReport}.
 */
@Entity
@Table(name = "connection_record")
public class ConnectionRecord {

    static final int USERNAME_LENGTH = 160;
    static final int DEVICE_NAME_LENGTH = 100;
    static final int SERVICE_LENGTH = 64;
    static final int KIND_LENGTH = 16;
    static final int ADDRESS_LENGTH = 64;
    static final int REASON_LENGTH = 200;

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    /** The user's id at the start; null when no such user existed (or it was deleted since). */
    @Column(name = "user_id", length = 36)
    private String userId;

    @Column(nullable = false, length = USERNAME_LENGTH)
    private String username;

    @Column(name = "device_id", length = 36)
    private String deviceId;

    @Column(name = "device_name", nullable = false, length = DEVICE_NAME_LENGTH)
    private String deviceName;

    @Column(nullable = false, length = SERVICE_LENGTH)
    private String service;

    /** {@code web}, {@code desktop}, {@code desktop-view}, {@code forward}. */
    @Column(nullable = false, length = KIND_LENGTH)
    private String kind;

    @Column(name = "client_address", length = ADDRESS_LENGTH)
    private String clientAddress;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    /** Bytes from the user's side (browser, client) towards the device. */
    @Column(name = "bytes_in", nullable = false)
    private long bytesIn;

    /** Bytes from the device towards the user's side. */
    @Column(name = "bytes_out", nullable = false)
    private long bytesOut;

    @Column(name = "end_reason", length = REASON_LENGTH)
    private String endReason;

    protected ConnectionRecord() {
    }

    ConnectionRecord(String accountId, String userId, String username, String deviceId, String deviceName,
            String service, String kind, String clientAddress, Instant startedAt) {
        this.id = UUID.randomUUID().toString();
        this.accountId = accountId;
        this.userId = userId;
        this.username = cut(username, USERNAME_LENGTH);
        this.deviceId = deviceId;
        this.deviceName = cut(deviceName, DEVICE_NAME_LENGTH);
        this.service = cut(service, SERVICE_LENGTH);
        this.kind = kind;
        this.clientAddress = cut(clientAddress, ADDRESS_LENGTH);
        this.startedAt = startedAt;
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    void end(Instant at, long bytesIn, long bytesOut, String reason) {
        this.endedAt = at;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.endReason = cut(reason, REASON_LENGTH);
    }

    public String getId() {
        return id;
    }

    public String getAccountId() {
        return accountId;
    }

    public String getUserId() {
        return userId;
    }

    public String getUsername() {
        return username;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public String getDeviceName() {
        return deviceName;
    }

    public String getService() {
        return service;
    }

    public String getKind() {
        return kind;
    }

    public String getClientAddress() {
        return clientAddress;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    /** When it ended, or null while it is open. */
    public Instant getEndedAt() {
        return endedAt;
    }

    public long getBytesIn() {
        return bytesIn;
    }

    public long getBytesOut() {
        return bytesOut;
    }

    public String getEndReason() {
        return endReason;
    }
}
