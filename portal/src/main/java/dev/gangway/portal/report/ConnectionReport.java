package dev.gangway.portal.report;

import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records connections for the report: the feature that carries a connection calls {@link #opened} before the
 * connection goes live, {@link #progress} now and then while it is, and {@link #closed} once it ended.
 *
 * <p>Opening and closing are audited ({@code connection.open}, {@code connection.close}) in the same transaction
 * as the record: when the audit write fails, {@link #opened} throws and the caller must not open the connection
 * (SECURITY 17, "if the audit write fails, no new session opens").
 *
 * <p>The user's id and the device's name are looked up at the start, with plain SQL (this package does not depend
 * on the device feature), and copied into the record.
 */
@Service
public class ConnectionReport {

    /** Kinds of connection. */
    public static final String WEB = "web";
    /** A remote desktop in control (keyboard, mouse, clipboard). */
    public static final String DESKTOP = "desktop";
    /** A remote desktop watched in view-only mode. */
    public static final String DESKTOP_VIEW = "desktop-view";
    public static final String FORWARD = "forward";
    private static final Set<String> KINDS = Set.of(WEB, DESKTOP, DESKTOP_VIEW, FORWARD);

    /** End reason of the records the previous run of the portal left open (crash, kill). */
    public static final String RESTARTED = "portal restarted";
    /** End reason of the records still open when the portal stops. */
    public static final String STOPPED = "portal stopped";

    private static final Logger log = LoggerFactory.getLogger(ConnectionReport.class);

    private final ConnectionRecordRepository records;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final Clock clock;

    ConnectionReport(ConnectionRecordRepository records, JdbcTemplate jdbc, AuditLog audit, Clock clock) {
        this.records = records;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records the start of a connection and audits it; returns the record's id. Throws when either write fails:
     * the connection must then not open.
     *
     * @param accountId the user's account
     * @param username the user's name in the account
     * @param deviceId the device (its name is looked up now)
     * @param service the device's service, e.g. {@code hmi}
     * @param kind {@link #WEB}, {@link #DESKTOP}, {@link #DESKTOP_VIEW} or {@link #FORWARD}
     * @param clientAddress the user's address as the portal saw it, or null
     */
    @Transactional
    public String opened(String accountId, String username, String deviceId, String service, String kind,
            String clientAddress) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(service, "service");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown connection kind: " + kind);
        }
        String accountName = jdbc.queryForList("select name from account where id = ?", String.class, accountId)
                .stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
        String userId = first(jdbc.queryForList("select id from app_user where account_id = ? and username = ?",
                String.class, accountId, username));
        String deviceName = deviceId == null ? null : first(jdbc.queryForList(
                "select name from device where id = ? and account_id = ?", String.class, deviceId, accountId));
        ConnectionRecord record = records.save(new ConnectionRecord(accountId, userId, username, deviceId,
                deviceName != null ? deviceName : unknownDevice(deviceId), service, kind, clientAddress,
                clock.instant()));
        audit.record("connection.open", "ok", accountName + "/" + username, accountId, deviceId,
                kind + " " + service + " on " + record.getDeviceName() + (clientAddress == null ? ""
                        : " from " + clientAddress) + " (connection " + record.getId() + ")");
        return record.getId();
    }

    /** Bytes so far of an open connection (in: from the user's side, out: towards it). */
    @Transactional
    public void progress(String recordId, long bytesIn, long bytesOut) {
        records.progress(recordId, bytesIn, bytesOut);
    }

    /**
     * Records the end of a connection with its final byte counts and audits it. A record already closed (by
     * {@link #closeLeftOpen} of another portal start) keeps its first end.
     */
    @Transactional
    public void closed(String recordId, long bytesIn, long bytesOut, String reason) {
        Optional<ConnectionRecord> found = records.findById(recordId);
        if (found.isEmpty() || found.get().getEndedAt() != null) {
            log.debug("Connection record {} is gone or already closed", recordId);
            return;
        }
        ConnectionRecord record = found.get();
        Instant now = clock.instant();
        record.end(now, bytesIn, bytesOut, reason);
        String accountName = first(jdbc.queryForList("select name from account where id = ?", String.class,
                record.getAccountId()));
        audit.record("connection.close", "ok", accountName + "/" + record.getUsername(), record.getAccountId(),
                record.getDeviceId(), record.getKind() + " " + record.getService() + " on "
                        + record.getDeviceName() + ": " + reason + "; " + Durations.clock(
                                Duration.between(record.getStartedAt(), now)) + ", " + bytesIn + " bytes in, "
                        + bytesOut + " bytes out (connection " + record.getId() + ")");
    }

    /**
     * Closes the records left open by the previous run of the portal (a crash or a kill: nothing it carried is live
     * any more). Called once at start, before anything opens a connection. The end time is the restart's, as the
     * real one is not known; the bytes are those of the last progress update.
     */
    @Transactional
    public int closeLeftOpen() {
        int closed = records.closeAllOpen(clock.instant(), RESTARTED);
        if (closed > 0) {
            log.info("Closed {} connection record(s) left open by the previous run of the portal", closed);
        }
        return closed;
    }

    private static String unknownDevice(String deviceId) {
        return deviceId == null ? "(no device)" : "(unknown device " + deviceId + ")";
    }

    private static <T> T first(List<T> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
