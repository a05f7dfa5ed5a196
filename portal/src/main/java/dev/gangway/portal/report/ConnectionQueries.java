package dev.gangway.portal.report;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the connection report with plain SQL (portable between H2 and PostgreSQL): always within one account,
 * newest first. A name filter matches the name recorded at the start and, through the user and device tables, the
 * name the user or device has now, so a renamed device is found under either name.
 */
@Component
class ConnectionQueries {

    /** How many rows the CSV export fetches from the database at a time. */
    private static final int FETCH_SIZE = 500;
    private static final int SUGGESTIONS = 500;

    /** One connection as read for the pages and the export. */
    record Row(String id, String username, String deviceName, String service, String kind, String clientAddress,
            Instant startedAt, Instant endedAt, long bytesIn, long bytesOut, String endReason) {

        /** Until the end, or until {@code now} while the connection is open. */
        Duration duration(Instant now) {
            return Duration.between(startedAt, endedAt != null ? endedAt : now);
        }
    }

    private static final RowMapper<Row> ROW = (rs, n) -> new Row(rs.getString("id"), rs.getString("username"),
            rs.getString("device_name"), rs.getString("service"), rs.getString("kind"),
            rs.getString("client_address"), instant(rs, "started_at"), instant(rs, "ended_at"),
            rs.getLong("bytes_in"), rs.getLong("bytes_out"), rs.getString("end_reason"));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;

    ConnectionQueries(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** At most {@code limit} rows, newest first. */
    List<Row> find(String accountId, ConnectionFilter filter, int limit) {
        Sql sql = select(accountId, filter);
        sql.text.append(" limit ?");
        sql.args.add(limit);
        return jdbc.query(sql.text.toString(), ROW, sql.args.toArray());
    }

    /**
     * Every matching row, newest first, handed over one by one as the database delivers them (in a read-only
     * transaction, so PostgreSQL streams with a cursor instead of loading them all).
     */
    void forEach(String accountId, ConnectionFilter filter, Consumer<Row> each) {
        Sql sql = select(accountId, filter);
        readOnly.executeWithoutResult(status -> {
            JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
            streaming.setFetchSize(FETCH_SIZE);
            streaming.query(sql.text.toString(), rs -> {
                each.accept(ROW.mapRow(rs, 0));
            }, sql.args.toArray());
        });
    }

    /** The account's user names, for the filter's suggestions. */
    List<String> usernames(String accountId) {
        return jdbc.queryForList("select username from app_user where account_id = ? order by username limit ?",
                String.class, accountId, SUGGESTIONS);
    }

    /** The account's device names, for the filter's suggestions. */
    List<String> deviceNames(String accountId) {
        return jdbc.queryForList("select distinct name from device where account_id = ? order by name limit ?",
                String.class, accountId, SUGGESTIONS);
    }

    private static Sql select(String accountId, ConnectionFilter filter) {
        Sql sql = new Sql("select r.id, r.username, r.device_name, r.service, r.kind, r.client_address,"
                + " r.started_at, r.ended_at, r.bytes_in, r.bytes_out, r.end_reason"
                + " from connection_record r where r.account_id = ?", accountId);
        if (filter.user() != null) {
            String pattern = FilterInput.contains(filter.user());
            sql.and("(lower(r.username) like ? escape '\\' or r.user_id in (select u.id from app_user u"
                    + " where u.account_id = ? and lower(u.username) like ? escape '\\'))", pattern, accountId,
                    pattern);
        }
        if (filter.device() != null) {
            String pattern = FilterInput.contains(filter.device());
            sql.and("(lower(r.device_name) like ? escape '\\' or r.device_id in (select d.id from device d"
                    + " where d.account_id = ? and lower(d.name) like ? escape '\\'))", pattern, accountId,
                    pattern);
        }
        if (filter.to() != null) {
            sql.and("r.started_at < ?", utc(filter.toExclusive()));
        }
        if (filter.from() != null) {
            sql.and("(r.ended_at is null or r.ended_at >= ?)", utc(filter.fromInstant()));
        }
        sql.text.append(" order by r.started_at desc, r.id desc");
        return sql;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A statement being built and its arguments. */
    private static final class Sql {
        final StringBuilder text;
        final List<Object> args = new ArrayList<>();

        Sql(String text, Object... args) {
            this.text = new StringBuilder(text);
            this.args.addAll(List.of(args));
        }

        void and(String condition, Object... args) {
            text.append(" and ").append(condition);
            this.args.addAll(List.of(args));
        }
    }
}
