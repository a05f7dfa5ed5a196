package dev.gangway.portal.ondemand;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One wake-up of an on-demand device that a user asked for, with its steps (SMS sent, dialling, online), how it failed
 * or how the tunnel it brought up ended. Changed only under its row lock
 * ({@link DeviceWakeRepository#findByIdForUpdate}); every step moves forward only, so a late report (the gateway's
 * answer after the agent already dialled) changes nothing it should not.
 */
@Entity
@Table(name = "device_wake")
class DeviceWake {

    /** Longest gateway answer kept. */
    static final int MAX_DETAIL = 300;
    static final int MAX_REASON = 200;

    /** Why a wake-up failed. */
    static final String SMS_REFUSED = "sms-refused";
    static final String NO_ANSWER = "no-answer";

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    @Column(name = "device_id", nullable = false, length = 36)
    private String deviceId;

    @Column(name = "requested_by", nullable = false, length = 160)
    private String requestedBy;

    @Column(name = "requested_via", nullable = false, length = 16)
    private String requestedVia;

    @Column(name = "requested_at", nullable = false)
    private Instant requestedAt;

    /** The epoch second in the signed SMS; strictly increasing per device. */
    @Column(name = "wake_time", nullable = false)
    private long wakeTime;

    @Column(nullable = false, length = 16)
    private String state;

    @Column(length = 32)
    private String failure;

    @Column(name = "sms_detail", length = MAX_DETAIL)
    private String smsDetail;

    @Column(name = "sms_sent_at")
    private Instant smsSentAt;

    @Column(name = "dialling_at")
    private Instant diallingAt;

    @Column(name = "online_at")
    private Instant onlineAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Column(name = "end_reason", length = MAX_REASON)
    private String endReason;

    protected DeviceWake() {
    }

    DeviceWake(String accountId, String deviceId, String requestedBy, String requestedVia, Instant requestedAt,
            long wakeTime) {
        this.id = UUID.randomUUID().toString();
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.requestedBy = cut(requestedBy, 160);
        this.requestedVia = requestedVia;
        this.requestedAt = requestedAt;
        this.wakeTime = wakeTime;
        this.state = WakeState.SENDING.wire();
    }

    /** The gateway answered; a refusal fails the wake-up unless the device dialled in meanwhile anyway. */
    boolean smsResult(boolean sent, String detail, Instant at) {
        this.smsDetail = cut(detail, MAX_DETAIL);
        if (sent) {
            this.smsSentAt = at;
        }
        if (state() != WakeState.SENDING) {
            return false;
        }
        if (sent) {
            this.state = WakeState.SMS_SENT.wire();
        } else {
            this.state = WakeState.FAILED.wire();
            this.failure = SMS_REFUSED;
        }
        return true;
    }

    /**
     * The agent reported it is dialling in. The report may arrive after the tunnel came up (the agent sends it while
     * it dials): the step is then only recorded, at the time it came online at the latest.
     */
    boolean dialling(Instant at) {
        if (state() == WakeState.ONLINE && diallingAt == null) {
            this.diallingAt = at.isAfter(onlineAt) ? onlineAt : at;
            return true;
        }
        if (!state().inProgress() || state() == WakeState.DIALLING) {
            return false;
        }
        this.diallingAt = at;
        this.state = WakeState.DIALLING.wire();
        return true;
    }

    /** The device's tunnel came up. */
    boolean online(Instant at) {
        if (!state().inProgress()) {
            return false;
        }
        this.onlineAt = at;
        this.state = WakeState.ONLINE.wire();
        return true;
    }

    /** No tunnel within the answer timeout. */
    boolean noAnswer() {
        if (!state().inProgress()) {
            return false;
        }
        this.state = WakeState.FAILED.wire();
        this.failure = NO_ANSWER;
        return true;
    }

    /** The tunnel this wake-up brought up went down (first reason wins). */
    boolean ended(Instant at, String reason) {
        if (state() != WakeState.ONLINE || endedAt != null) {
            return false;
        }
        this.endedAt = at;
        this.endReason = cut(reason, MAX_REASON);
        return true;
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    String getId() {
        return id;
    }

    String getAccountId() {
        return accountId;
    }

    String getDeviceId() {
        return deviceId;
    }

    String getRequestedBy() {
        return requestedBy;
    }

    String getRequestedVia() {
        return requestedVia;
    }

    Instant getRequestedAt() {
        return requestedAt;
    }

    long getWakeTime() {
        return wakeTime;
    }

    WakeState state() {
        return WakeState.of(state);
    }

    String getFailure() {
        return failure;
    }

    String getSmsDetail() {
        return smsDetail;
    }

    Instant getSmsSentAt() {
        return smsSentAt;
    }

    Instant getDiallingAt() {
        return diallingAt;
    }

    Instant getOnlineAt() {
        return onlineAt;
    }

    Instant getEndedAt() {
        return endedAt;
    }

    String getEndReason() {
        return endReason;
    }
}
