package dev.gangway.portal.alarm;

import dev.gangway.tunnel.Alarm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The {@code alarm} table (plain SQL: rows are written once, then only their dispatch mark changes). Every query
 * names the device, and the account where a user asks, so one account never reads another's alarms.
 */
@Component
class AlarmTable {

    /** The oldest and the latest instant stored as an agent's "raised at" (its clock is not trusted). */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static final String SELECT = "select a.id, a.device_id, d.name as device_name, a.account_id,"
            + " c.name as account_name, a.agent_alarm_id, a.sequence, a.raised_at, a.received_at, a.source, a.sender,"
            + " a.subject, a.text from alarm a join device d on d.id = a.device_id and d.account_id = a.account_id"
            + " join account c on c.id = a.account_id";

    private final JdbcTemplate jdbc;

    AlarmTable(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the alarms this device has not delivered before, in the caller's transaction, and returns the new
     * rows' ids in the agent's order. The device row is locked first, so two deliveries of the same alarms at once
     * (a retry racing a reconnect) are serialised: the second finds them stored. Empty when the device is unknown.
     */
    Optional<List<String>> insertNew(String deviceId, List<Alarm> alarms, Instant receivedAt) {
        List<String> account = jdbc.queryForList("select account_id from device where id = ? for update",
                String.class, deviceId);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        List<String> inserted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Alarm alarm : alarms) {
            String agentId = oneLine(alarm.id());
            if (!seen.add(agentId) || exists(deviceId, agentId)) {
                continue;
            }
            String id = UUID.randomUUID().toString();
            jdbc.update("insert into alarm (id, device_id, account_id, agent_alarm_id, sequence, raised_at,"
                    + " received_at, source, sender, subject, text) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, deviceId, account.get(0), agentId, alarm.sequence(), utc(clamp(alarm.raisedAt())),
                    utc(receivedAt), oneLine(alarm.source()), oneLine(alarm.from()), oneLine(alarm.subject()),
                    text(alarm.text()));
            inserted.add(id);
        }
        return Optional.of(inserted);
    }

    /**
     * Marks the alarm as being dispatched; true for exactly one caller (a conditional update), so however often it
     * is queued, an alarm is sent once.
     */
    boolean claim(String id, Instant now) {
        return jdbc.update("update alarm set dispatched_at = ? where id = ? and dispatched_at is null", utc(now),
                id) == 1;
    }

    Optional<StoredAlarm> find(String id) {
        return jdbc.query(SELECT + " where a.id = ?", AlarmTable::stored, id).stream().findFirst();
    }

    /** Alarms never dispatched (the portal stopped, or the dispatch queue was full), oldest first. */
    List<String> undispatched(int limit) {
        return jdbc.queryForList("select id from alarm where dispatched_at is null order by received_at, sequence"
                + " fetch first " + limit + " rows only", String.class);
    }

    /** The device's latest alarms, newest first; only if the device is of this account. */
    List<AlarmView> latest(String accountId, String deviceId, int limit) {
        return jdbc.query("select raised_at, received_at, source, sender, subject, text from alarm"
                + " where account_id = ? and device_id = ? order by received_at desc, sequence desc"
                + " fetch first " + limit + " rows only", (rs, n) -> new AlarmView(instant(rs, "raised_at"),
                        instant(rs, "received_at"), rs.getString("source"), rs.getString("sender"),
                        rs.getString("subject"), rs.getString("text")), accountId, deviceId);
    }

    private boolean exists(String deviceId, String agentId) {
        Integer count = jdbc.queryForObject("select count(*) from alarm where device_id = ? and agent_alarm_id = ?",
                Integer.class, deviceId, agentId);
        return count != null && count > 0;
    }

    private static StoredAlarm stored(ResultSet rs, int row) throws SQLException {
        return new StoredAlarm(rs.getString("id"), rs.getString("device_id"), rs.getString("device_name"),
                rs.getString("account_id"), rs.getString("account_name"), rs.getString("agent_alarm_id"),
                rs.getLong("sequence"), instant(rs, "raised_at"), instant(rs, "received_at"), rs.getString("source"),
                rs.getString("sender"), rs.getString("subject"), rs.getString("text"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant clamp(Instant raisedAt) {
        return raisedAt.isBefore(EARLIEST) ? EARLIEST : raisedAt.isAfter(LATEST) ? LATEST : raisedAt;
    }

    /**
     * A one-line field from a device: control characters become spaces (PostgreSQL refuses NUL, and a line break
     * has no place in a subject or an address).
     */
    static String oneLine(String value) {
        return value.replaceAll("\\p{Cntrl}", " ");
    }

    /** The text keeps its line breaks and tabs; other control characters become spaces. */
    static String text(String value) {
        return value.replace("\r\n", "\n").replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", " ");
    }
}
