package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * Pools of devices: create, rename, delete, and which devices they hold. Editing pools is for account admins only;
 * a holder of "manage devices" on a pool may only place a device they just created into it. Devices are known here
 * by id only (this package must not depend on the device package): a device id is checked against the account with
 * a query of its own before it is written.
 */
@Service
public class Pools {

    private final DevicePoolRepository pools;
    private final PoolDeviceRepository poolDevices;
    private final PoolRightRepository grants;
    private final AccessService access;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Pools(DevicePoolRepository pools, PoolDeviceRepository poolDevices, PoolRightRepository grants,
            AccessService access, JdbcTemplate jdbc, AuditLog audit, ApplicationEventPublisher events, Clock clock) {
        this.pools = pools;
        this.poolDevices = poolDevices;
        this.grants = grants;
        this.access = access;
        this.jdbc = jdbc;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /** The account's pools, by name. */
    @Transactional(readOnly = true)
    public List<DevicePool> list(String accountId) {
        return pools.findByAccountIdOrderByName(accountId);
    }

    /** A pool of the account; another account's pool id answers empty, like one that does not exist. */
    @Transactional(readOnly = true)
    public Optional<DevicePool> find(String accountId, String poolId) {
        if (poolId == null || poolId.length() > 36) {
            return Optional.empty();
        }
        return pools.findByIdAndAccountId(poolId, accountId);
    }

    /** The ids of the devices in a pool of the account. */
    @Transactional(readOnly = true)
    public List<String> deviceIds(String accountId, String poolId) {
        return find(accountId, poolId).map(pool -> poolDevices.findByPool(pool.getId()).stream()
                .map(PoolDevice::deviceId).toList()).orElse(List.of());
    }

    /** The pools of the account that hold the device, by name. */
    @Transactional(readOnly = true)
    public List<DevicePool> holding(String accountId, String deviceId) {
        List<String> ids = poolDevices.findByDevice(deviceId).stream().map(PoolDevice::poolId).toList();
        return pools.findByAccountIdOrderByName(accountId).stream().filter(p -> ids.contains(p.getId())).toList();
    }

    /** "Group: right" for each right granted on the pool, for the pool page. */
    @Transactional(readOnly = true)
    public List<String> grantsOn(String accountId, String poolId) {
        return jdbc.query("select g.name, r.right_name from pool_right r join user_group g on g.id = r.group_id"
                + " join device_pool p on p.id = r.pool_id where p.id = ? and p.account_id = ? and g.account_id = ?"
                + " order by g.name, r.right_name", (rs, n) -> rs.getString(1) + ": "
                        + Grant.right(rs.getString(2)).map(Right::label).orElse(rs.getString(2)),
                poolId, accountId, accountId);
    }

    /** Creates a pool (admins); {@link IllegalArgumentException} with the message for the name field. */
    @Transactional
    public DevicePool create(PortalUser user, String name) {
        access.requireAdmin(user);
        String checked = uniqueName(user.accountId(), Names.check(name, "pool", "Customer Acme"));
        DevicePool pool = pools.save(new DevicePool(user.accountId(), checked, clock.instant()));
        audit.record("pool.create", "ok", user.getName(), user.accountId(), null, "pool " + checked);
        return pool;
    }

    /** Renames a pool (admins); {@link IllegalArgumentException} with the message for the name field. */
    @Transactional
    public void rename(PortalUser user, String poolId, String name) {
        access.requireAdmin(user);
        DevicePool pool = pool(user, poolId);
        String checked = Names.check(name, "pool", "Customer Acme");
        if (checked.equals(pool.getName())) {
            return;
        }
        uniqueName(user.accountId(), checked);
        String before = pool.getName();
        pool.rename(checked);
        audit.record("pool.rename", "ok", user.getName(), user.accountId(), null,
                "pool " + before + " renamed to " + checked);
    }

    /** Deletes a pool with its device list and the rights granted on it (admins). */
    @Transactional
    public void delete(PortalUser user, String poolId) {
        access.requireAdmin(user);
        DevicePool pool = pool(user, poolId);
        int devices = poolDevices.deleteByPool(pool.getId());
        int rights = grants.deleteByPool(pool.getId());
        pools.delete(pool);
        audit.record("pool.delete", "ok", user.getName(), user.accountId(), null, "pool " + pool.getName() + " ("
                + devices + " device(s), " + rights + " right(s))");
        events.publishEvent(new AccessChanged(user.accountId(), "pool " + pool.getName() + " deleted"));
    }

    /** Adds a device of the account to a pool (admins); {@link IllegalArgumentException} for the form. */
    @Transactional
    public void addDevice(PortalUser user, String poolId, String deviceId) {
        access.requireAdmin(user);
        DevicePool pool = pool(user, poolId);
        String name = deviceName(user.accountId(), deviceId)
                .orElseThrow(() -> new IllegalArgumentException("Choose a device of this account."));
        if (poolDevices.existsById(new PoolDevice.Key(pool.getId(), deviceId))) {
            throw new IllegalArgumentException("The device is already in this pool.");
        }
        poolDevices.save(new PoolDevice(pool.getId(), deviceId));
        audit.record("pool.device.add", "ok", user.getName(), user.accountId(), deviceId,
                "device " + name + " added to pool " + pool.getName());
    }

    /**
     * Places a device just created by the user into a pool on which they hold "manage devices" (admins: any pool),
     * in the caller's transaction, so the device never exists outside the pool its creator may manage.
     */
    @Transactional
    public void placeNewDevice(PortalUser user, String poolId, String deviceId) {
        if (!access.poolsWhere(user, Right.MANAGE_DEVICES).contains(poolId)) {
            throw new AccessDeniedException("You may not add devices to that pool.");
        }
        DevicePool pool = pool(user, poolId);
        String name = deviceName(user.accountId(), deviceId)
                .orElseThrow(() -> new IllegalArgumentException("no such device"));
        poolDevices.save(new PoolDevice(pool.getId(), deviceId));
        audit.record("pool.device.add", "ok", user.getName(), user.accountId(), deviceId,
                "device " + name + " added to pool " + pool.getName());
    }

    /** Takes a device out of a pool (admins); whoever reached it only through this pool loses it at once. */
    @Transactional
    public void removeDevice(PortalUser user, String poolId, String deviceId) {
        access.requireAdmin(user);
        DevicePool pool = pool(user, poolId);
        PoolDevice.Key key = new PoolDevice.Key(pool.getId(), deviceId == null ? "" : deviceId);
        if (!poolDevices.existsById(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device in this pool");
        }
        poolDevices.deleteById(key);
        String name = deviceName(user.accountId(), deviceId).orElse(deviceId);
        audit.record("pool.device.remove", "ok", user.getName(), user.accountId(), deviceId,
                "device " + name + " removed from pool " + pool.getName());
        events.publishEvent(new AccessChanged(user.accountId(), "device removed from pool " + pool.getName()));
    }

    private DevicePool pool(PortalUser user, String poolId) {
        return find(user.accountId(), poolId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such pool"));
    }

    private String uniqueName(String accountId, String name) {
        if (pools.existsByAccountIdAndName(accountId, name)) {
            throw new IllegalArgumentException("A pool named \"" + name + "\" exists already: choose another name.");
        }
        return name;
    }

    private Optional<String> deviceName(String accountId, String deviceId) {
        if (deviceId == null || deviceId.length() > 36) {
            return Optional.empty();
        }
        return jdbc.queryForList("select name from device where id = ? and account_id = ?", String.class, deviceId,
                accountId).stream().findFirst();
    }
}
