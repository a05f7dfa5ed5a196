package dev.gangway.portal.users;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.account.PortalUser;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Users for the users pages' tests, written straight to the tables: a MANAGE_USERS holder (group, pool and grant
 * rows, as the rights part's pages would write them) and plain users with a known password.
 */
final class UsersTestData {

    /** Meets the default policy (12 characters, 3 classes). */
    static final String GOOD_PASSWORD = "Harbour-Crane-2031";

    private final JdbcTemplate jdbc;
    private final AppUserRepository users;
    private final PasswordEncoder encoder;

    UsersTestData(JdbcTemplate jdbc, AppUserRepository users, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.users = users;
        this.encoder = encoder;
    }

    /** A plain user of the admin's account with this password (null: none yet, like an invited user). */
    PortalUser plainUser(PortalUser admin, String username, String password) {
        AppUser user = new AppUser(admin.accountId(), username,
                password == null ? Passwords.NO_PASSWORD : encoder.encode(password),
                Instant.now());
        user.setEmail(username + "@example.test");
        users.save(user);
        return new PortalUser(user.getId(), username, admin.accountId(), admin.accountName());
    }

    /** A plain user who holds MANAGE_USERS on one (empty) pool of the account. */
    PortalUser userManager(PortalUser admin, String username) {
        PortalUser manager = plainUser(admin, username, GOOD_PASSWORD);
        String group = UUID.randomUUID().toString();
        String pool = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into user_group (id, account_id, name, created_at) values (?, ?, ?, ?)", group,
                admin.accountId(), "Managers " + username, now);
        jdbc.update("insert into group_member (group_id, user_id) values (?, ?)", group, manager.userId());
        jdbc.update("insert into device_pool (id, account_id, name, created_at) values (?, ?, ?, ?)", pool,
                admin.accountId(), "Pool " + username, now);
        jdbc.update("insert into pool_right (group_id, pool_id, right_name) values (?, ?, 'MANAGE_USERS')", group,
                pool);
        return manager;
    }

    AppUser reload(String userId) {
        return users.findById(userId).orElseThrow();
    }

    int userCount(String accountId) {
        return jdbc.queryForObject("select count(*) from app_user where account_id = ?", Integer.class, accountId);
    }

    int tokenCount(String accountId) {
        return jdbc.queryForObject("select count(*) from password_token t join app_user u on u.id = t.user_id"
                + " where u.account_id = ?", Integer.class, accountId);
    }

    int auditCount(String accountId, String action) {
        return jdbc.queryForObject("select count(*) from audit_event where account_id = ? and action = ?",
                Integer.class, accountId, action);
    }

    /** The latest audit detail of an action in the account. */
    String auditDetail(String accountId, String action) {
        return jdbc.queryForObject("select detail from audit_event where account_id = ? and action = ?"
                + " order by occurred_at desc limit 1", String.class, accountId, action);
    }

    /** A sign-in from an address of its own, so per-address throttling by other tests never meets this one. */
    static RequestPostProcessor fromOwnAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String address = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    /** The token of a {@code /password/set?token=…} link. */
    static String token(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }
}
