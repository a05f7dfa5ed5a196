package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/**
 * {@link Access} read from the database at every call: a right removed, a user disabled or expired, or an admin
 * made a plain user takes effect on the next request, with no cache to go stale.
 *
 * <p>A user's rights on a device are the union of the rights their groups hold on the pools containing the device.
 * Every join also checks that group, pool and device belong to the user's account, so a row that somehow links two
 * accounts grants nothing. A user who is disabled, past their expiry date or not found in their account holds
 * nothing at all, admin or not.
 */
@Service
public class AccessService implements Access {

    /** The joins from a user's memberships to the devices of the pools their groups hold rights on. */
    private static final String GRANTED = """
             from group_member m
             join user_group g on g.id = m.group_id and g.account_id = ?
             join pool_right r on r.group_id = g.id
             join device_pool p on p.id = r.pool_id and p.account_id = g.account_id
            """;
    private static final String ON_DEVICES = """
             join pool_device pd on pd.pool_id = p.id
             join device d on d.id = pd.device_id and d.account_id = g.account_id
            """;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    AccessService(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Whether the user may act at all (exists in the account, enabled, not expired), and whether as admin. */
    private enum Standing { NONE, MEMBER, ADMIN }

    private Standing standing(PortalUser user) {
        if (user == null) {
            return Standing.NONE;
        }
        List<Standing> found = jdbc.query("select enabled, account_admin, expires_at from app_user"
                + " where id = ? and account_id = ?", (rs, n) -> {
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    Instant now = clock.instant();
                    if (!rs.getBoolean("enabled") || expires != null && !now.isBefore(expires.toInstant())) {
                        return Standing.NONE;
                    }
                    return rs.getBoolean("account_admin") ? Standing.ADMIN : Standing.MEMBER;
                }, user.userId(), user.accountId());
        return found.isEmpty() ? Standing.NONE : found.get(0);
    }

    @Override
    public boolean isAdmin(PortalUser user) {
        return standing(user) == Standing.ADMIN;
    }

    @Override
    public Set<Right> rightsOn(PortalUser user, String deviceId) {
        if (deviceId == null || deviceId.length() > 36) {
            return Set.of();
        }
        Standing standing = standing(user);
        if (standing == Standing.NONE) {
            return Set.of();
        }
        if (standing == Standing.ADMIN) {
            Integer devices = jdbc.queryForObject("select count(*) from device where id = ? and account_id = ?",
                    Integer.class, deviceId, user.accountId());
            return devices != null && devices > 0 ? Collections.unmodifiableSet(EnumSet.allOf(Right.class))
                    : Set.of();
        }
        Set<Right> rights = EnumSet.noneOf(Right.class);
        jdbc.query("select distinct r.right_name" + GRANTED + ON_DEVICES + " where m.user_id = ? and d.id = ?",
                rs -> {
                    Grant.right(rs.getString(1)).ifPresent(rights::add);
                }, user.accountId(), user.userId(), deviceId);
        return Collections.unmodifiableSet(rights);
    }

    @Override
    public Set<String> visibleDeviceIds(PortalUser user) {
        Standing standing = standing(user);
        if (standing == Standing.NONE) {
            return Set.of();
        }
        if (standing == Standing.ADMIN) {
            return new LinkedHashSet<>(jdbc.queryForList("select id from device where account_id = ?", String.class,
                    user.accountId()));
        }
        return new LinkedHashSet<>(jdbc.queryForList("select distinct d.id" + GRANTED + ON_DEVICES
                + " where m.user_id = ?", String.class, user.accountId(), user.userId()));
    }

    @Override
    public boolean holdsAnywhere(PortalUser user, Right right) {
        Standing standing = standing(user);
        if (standing != Standing.MEMBER) {
            return standing == Standing.ADMIN;
        }
        Integer grants = jdbc.queryForObject("select count(*)" + GRANTED + " where m.user_id = ? and r.right_name = ?",
                Integer.class, user.accountId(), user.userId(), right.name());
        return grants != null && grants > 0;
    }

    @Override
    public void requireAdmin(PortalUser user) {
        if (!isAdmin(user)) {
            throw new AccessDeniedException("Only an administrator of the account can do this.");
        }
    }

    @Override
    public void requireAnywhere(PortalUser user, Right right) {
        if (!holdsAnywhere(user, right)) {
            throw new AccessDeniedException("You need the right \"" + right.label()
                    + "\" on at least one pool to do this.");
        }
    }

    /** The pools of the user's account on which the user holds {@code right}: every pool for admins. */
    public Set<String> poolsWhere(PortalUser user, Right right) {
        Standing standing = standing(user);
        if (standing == Standing.NONE) {
            return Set.of();
        }
        if (standing == Standing.ADMIN) {
            return new LinkedHashSet<>(jdbc.queryForList("select id from device_pool where account_id = ?",
                    String.class, user.accountId()));
        }
        return new LinkedHashSet<>(jdbc.queryForList("select distinct p.id" + GRANTED
                + " where m.user_id = ? and r.right_name = ?", String.class, user.accountId(), user.userId(),
                right.name()));
    }

    /**
     * The (pool, right) pairs the user holds through their groups (admins: {@code Optional.empty()}, meaning
     * everything). A manager may only change members of a group whose every grant is in this set.
     */
    Optional<Set<PoolAndRight>> heldGrants(PortalUser user) {
        Standing standing = standing(user);
        if (standing == Standing.ADMIN) {
            return Optional.empty();
        }
        Set<PoolAndRight> held = new HashSet<>();
        if (standing == Standing.MEMBER) {
            jdbc.query("select distinct p.id, r.right_name" + GRANTED + " where m.user_id = ?", rs -> {
                String poolId = rs.getString(1);
                Grant.right(rs.getString(2)).ifPresent(right -> held.add(new PoolAndRight(poolId, right)));
            }, user.accountId(), user.userId());
        }
        return Optional.of(held);
    }

    @Override
    public boolean coversGrantsOf(PortalUser actor, String targetUserId) {
        Optional<Set<PoolAndRight>> held = heldGrants(actor);
        if (held.isEmpty()) {
            return true;
        }
        Set<PoolAndRight> target = new HashSet<>();
        jdbc.query("select distinct p.id, r.right_name" + GRANTED + " where m.user_id = ?", rs -> {
            String poolId = rs.getString(1);
            Grant.right(rs.getString(2)).ifPresent(right -> target.add(new PoolAndRight(poolId, right)));
        }, actor.accountId(), targetUserId);
        return held.get().containsAll(target);
    }

    /** A right on a pool, whoever holds it. */
    record PoolAndRight(String poolId, Right right) {
    }

    /**
     * Who holds {@code right} on which device in the account now: user name to device ids, admins included (every
     * device); disabled and expired users are absent. For ending live sessions whose right went away.
     */
    public Map<String, Set<String>> holders(String accountId, Right right) {
        Instant now = clock.instant();
        Map<String, Set<String>> holders = new HashMap<>();
        List<String> allDevices = jdbc.queryForList("select id from device where account_id = ?", String.class,
                accountId);
        jdbc.query("select username, account_admin, enabled, expires_at from app_user where account_id = ?", rs -> {
            OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
            if (rs.getBoolean("enabled") && (expires == null || now.isBefore(expires.toInstant()))) {
                holders.put(rs.getString("username"), rs.getBoolean("account_admin") ? new HashSet<>(allDevices)
                        : new HashSet<>());
            }
        }, accountId);
        jdbc.query("select distinct u.username, d.id" + GRANTED + ON_DEVICES
                + " join app_user u on u.id = m.user_id and u.account_id = g.account_id where r.right_name = ?",
                rs -> {
                    Set<String> devices = holders.get(rs.getString(1));
                    if (devices != null) {
                        devices.add(rs.getString(2));
                    }
                }, accountId, right.name());
        return holders;
    }
}
