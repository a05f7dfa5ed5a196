package dev.gangway.portal.system;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One line of the append-only audit trail (UTC instant, actor, account, address, device, action, result). */
@Entity
@Table(name = "audit_event")
class AuditEvent {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(length = 160)
    private String actor;

    @Column(name = "account_id", length = 36)
    private String accountId;

    @Column(length = 64)
    private String address;

    @Column(name = "device_id", length = 36)
    private String deviceId;

    @Column(nullable = false, length = 64)
    private String action;

    @Column(nullable = false, length = 32)
    private String result;

    @Column(length = 1000)
    private String detail;

    protected AuditEvent() {
    }

    AuditEvent(Instant occurredAt, String actor, String accountId, String address, String deviceId, String action,
            String result, String detail) {
        this.id = UUID.randomUUID().toString();
        this.occurredAt = occurredAt;
        this.actor = cut(actor, 160);
        this.accountId = accountId;
        this.address = cut(address, 64);
        this.deviceId = deviceId;
        this.action = action;
        this.result = result;
        this.detail = cut(detail, 1000);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    String getAction() {
        return action;
    }

    String getResult() {
        return result;
    }

    String getActor() {
        return actor;
    }

    String getDeviceId() {
        return deviceId;
    }
}
