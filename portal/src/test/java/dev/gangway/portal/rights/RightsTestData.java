package dev.gangway.portal.rights;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.PortalUser;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Users, groups, pools and grants for tests, written straight to the tables (so a test of the pages starts from a
 * known state without going through the pages it tests). Devices come from {@code device.DeviceTestData}.
 */
public final class RightsTestData {

    private final JdbcTemplate jdbc;

    public RightsTestData(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A plain (non-admin) user of the account that cannot sign in with a password. */
    public PortalUser newMember(PortalUser admin, String username) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into app_user (id, account_id, username, username_key, password_hash, enabled,"
                + " created_at) values (?, ?, ?, ?, ?, true, ?)", id, admin.accountId(), username,
                AppUser.usernameKey(username), "{noop}unused",
                Timestamp.from(Instant.now()));
        return new PortalUser(id, username, admin.accountId(), admin.accountName());
    }

    public String group(String accountId, String name) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into user_group (id, account_id, name, created_at) values (?, ?, ?, ?)", id, accountId,
                name, Timestamp.from(Instant.now()));
        return id;
    }

    public String pool(String accountId, String name) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into device_pool (id, account_id, name, created_at) values (?, ?, ?, ?)", id, accountId,
                name, Timestamp.from(Instant.now()));
        return id;
    }

    public void member(String groupId, PortalUser user) {
        jdbc.update("insert into group_member (group_id, user_id) values (?, ?)", groupId, user.userId());
    }

    public void poolDevice(String poolId, String deviceId) {
        jdbc.update("insert into pool_device (pool_id, device_id) values (?, ?)", poolId, deviceId);
    }

    public void grant(String groupId, String poolId, Right right) {
        jdbc.update("insert into pool_right (group_id, pool_id, right_name) values (?, ?, ?)", groupId, poolId,
                right.name());
    }

    /**
     * A fresh non-admin user in a fresh group holding {@code right} on the pool; with {@code right} null the user
     * is in a group holding nothing.
     */
    public PortalUser userWith(PortalUser admin, String poolId, Right right) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        PortalUser user = newMember(admin, "u-" + suffix);
        String group = group(admin.accountId(), "g-" + suffix);
        member(group, user);
        if (right != null) {
            grant(group, poolId, right);
        }
        return user;
    }

    /** The grants of the account as form values, sorted. */
    public java.util.List<String> grants(String accountId) {
        return jdbc.queryForList("select r.group_id || ':' || r.pool_id || ':' || r.right_name from pool_right r"
                + " join user_group g on g.id = r.group_id where g.account_id = ? order by 1", String.class,
                accountId);
    }
}
