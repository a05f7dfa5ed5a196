package dev.gangway.portal.report;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Rows for the report tests, written with plain SQL so their times are whatever the test needs. */
final class ReportTestData {

    private final JdbcTemplate jdbc;

    ReportTestData(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A connection record; {@code ended} null means still open. Returns its id. */
    String record(PortalUser user, String username, String deviceId, String deviceName, String address,
            Instant started, Instant ended, long bytesIn, long bytesOut) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into connection_record (id, account_id, user_id, username, device_id, device_name,"
                + " service, kind, client_address, started_at, ended_at, bytes_in, bytes_out, end_reason)"
                + " values (?, ?, ?, ?, ?, ?, 'hmi', 'web', ?, ?, ?, ?, ?, ?)", id, user.accountId(), null, username,
                deviceId, deviceName, address, utc(started), ended == null ? null : utc(ended), bytesIn, bytesOut,
                ended == null ? null : "ended for the user");
        return id;
    }

    /** A device of the user's account. */
    String device(PortalUser user, String name) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into device (id, account_id, name, created_at) values (?, ?, ?, ?)", id,
                user.accountId(), name, utc(Instant.now()));
        return id;
    }

    /** An audit event of the user's account at a chosen time. */
    void event(PortalUser user, Instant at, String actor, String action, String result, String detail) {
        jdbc.update("insert into audit_event (id, occurred_at, actor, account_id, address, device_id, action, result,"
                + " detail) values (?, ?, ?, ?, '192.0.2.1', null, ?, ?, ?)", UUID.randomUUID().toString(), utc(at),
                actor, user.accountId(), action, result, detail);
    }

    /** A user of the same account who is not an administrator. */
    static PortalUser plainUser(PortalUser admin, AppUserRepository users, String name) {
        AppUser user = users.save(new AppUser(admin.accountId(), name, "{noop}unused", Instant.now()));
        return new PortalUser(user.getId(), name, admin.accountId(), admin.accountName());
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
