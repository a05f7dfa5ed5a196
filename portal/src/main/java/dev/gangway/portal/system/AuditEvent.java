package dev.gangway.portal.system;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * One line of the append-only audit trail (UTC instant, actor, account, address, device, action, result).
 *
 * <p>Append-only in code as well as by convention: the entity is {@link Immutable} (Hibernate never writes a change
 * to a loaded event, and refuses a JPQL update or delete of it) and has no setters. Only {@link AuditLog#record}
 * creates events; nothing in the portal deletes them. Readers (the audit log page) get them through
 * {@link AuditEventRepository}.
 */
@Entity
@Immutable
@Table(name = "audit_event")
public class AuditEvent {

    /** Column lengths, as in the migration; longer values are cut, never refused (an audit write must not fail). */
    static final int ACTOR_LENGTH = 160;
    static final int ADDRESS_LENGTH = 64;
    static final int ACTION_LENGTH = 64;
    static final int RESULT_LENGTH = 32;
    static final int DETAIL_LENGTH = 1000;

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(length = ACTOR_LENGTH)
    private String actor;

    @Column(name = "account_id", length = 36)
    private String accountId;

    @Column(length = ADDRESS_LENGTH)
    private String address;

    @Column(name = "device_id", length = 36)
    private String deviceId;

    @Column(nullable = false, length = ACTION_LENGTH)
    private String action;

    @Column(nullable = false, length = RESULT_LENGTH)
    private String result;

    @Column(length = DETAIL_LENGTH)
    private String detail;

    protected AuditEvent() {
    }

    AuditEvent(Instant occurredAt, String actor, String accountId, String address, String deviceId, String action,
            String result, String detail) {
        this.id = UUID.randomUUID().toString();
        this.occurredAt = occurredAt;
        this.actor = cut(actor, ACTOR_LENGTH);
        this.accountId = accountId;
        this.address = cut(address, ADDRESS_LENGTH);
        this.deviceId = deviceId;
        this.action = cut(action, ACTION_LENGTH);
        this.result = cut(result, RESULT_LENGTH);
        this.detail = cut(detail, DETAIL_LENGTH);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    public String getId() {
        return id;
    }

    /** When it happened (UTC). */
    public Instant getOccurredAt() {
        return occurredAt;
    }

    /** {@code account/user}, or null for the device or the system. */
    public String getActor() {
        return actor;
    }

    public String getAccountId() {
        return accountId;
    }

    /** The client address of the web request that caused it, if there was one. */
    public String getAddress() {
        return address;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public String getAction() {
        return action;
    }

    public String getResult() {
        return result;
    }

    public String getDetail() {
        return detail;
    }
}
