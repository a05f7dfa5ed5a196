package dev.gangway.portal.client;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceStatus;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The devices a user may see, as the client API shows them: the same devices, status and services as the device
 * pages (any right on a device shows it; none answers "no such device", like an id of another account), with the
 * user's rights on each and the names of the pools through which the user reaches it (every pool holding it, for
 * administrators). Reads the database at each call, as the pages do.
 */
@Component
class ClientDevices {

    /** One device in the client API's JSON. */
    record DeviceJson(String id, String name, boolean online, String status, List<String> pools,
            List<ServiceJson> services, List<String> rights, boolean onDemand) {
    }

    /** One LAN service of a device, as its agent reported it. */
    record ServiceJson(String name, String kind, String host, int port) {
    }

    /** The pools holding a device that the user holds a right on. */
    private static final String USER_POOLS = """
            select distinct p.id from group_member m
             join user_group g on g.id = m.group_id and g.account_id = ?
             join pool_right r on r.group_id = g.id
             join device_pool p on p.id = r.pool_id and p.account_id = g.account_id
             where m.user_id = ?
            """;

    private final DeviceRegistry registry;
    private final DeviceTunnels tunnels;
    private final Access access;
    private final JdbcTemplate jdbc;

    ClientDevices(DeviceRegistry registry, DeviceTunnels tunnels, Access access, JdbcTemplate jdbc) {
        this.registry = registry;
        this.tunnels = tunnels;
        this.access = access;
        this.jdbc = jdbc;
    }

    /** The devices the user holds any right on, by name. */
    List<DeviceJson> list(PortalUser user) {
        Set<String> visible = access.visibleDeviceIds(user);
        if (visible.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> pools = poolNames(user);
        List<DeviceJson> devices = new ArrayList<>();
        for (Device device : registry.list(user.accountId())) {
            if (visible.contains(device.getId())) {
                Set<Right> rights = access.rightsOn(user, device.getId());
                if (!rights.isEmpty()) {
                    devices.add(json(device, rights, pools.getOrDefault(device.getId(), List.of())));
                }
            }
        }
        return devices;
    }

    /** The device if the user holds any right on it (then it is of the user's account too). */
    Optional<DeviceJson> find(PortalUser user, String deviceId) {
        Optional<Device> device = visible(user, deviceId);
        if (device.isEmpty()) {
            return Optional.empty();
        }
        Set<Right> rights = access.rightsOn(user, deviceId);
        return Optional.of(json(device.get(), rights, poolNames(user).getOrDefault(deviceId, List.of())));
    }

    /** The device entity if the user holds any right on it. */
    Optional<Device> visible(PortalUser user, String deviceId) {
        if (deviceId == null || deviceId.isEmpty() || deviceId.length() > 36) {
            return Optional.empty();
        }
        return registry.find(user.accountId(), deviceId).filter(d -> !access.rightsOn(user, deviceId).isEmpty());
    }

    /** The device's services as last reported by its agent. */
    List<AgentService> services(Device device) {
        return registry.services(device);
    }

    /** Online, remote access disabled on site, asleep (on demand) or offline: as the device pages show it. */
    DeviceStatus status(Device device) {
        return tunnels.status(device);
    }

    private DeviceJson json(Device device, Set<Right> rights, List<String> pools) {
        DeviceStatus status = tunnels.status(device);
        List<ServiceJson> services = registry.services(device).stream()
                .map(s -> new ServiceJson(s.name(), s.kind(), s.host(), s.port())).toList();
        List<String> rightNames = rights.stream().sorted().map(Right::name).toList();
        return new DeviceJson(device.getId(), device.getName(), status.isOnline(), status.wire(), pools,
                services, rightNames, device.isOnDemand());
    }

    /** Device id to the names of the pools holding it that the user reaches it through (all, for admins). */
    private Map<String, List<String>> poolNames(PortalUser user) {
        Set<String> usable = access.isAdmin(user) ? null
                : new HashSet<>(jdbc.queryForList(USER_POOLS, String.class, user.accountId(), user.userId()));
        Map<String, List<String>> names = new HashMap<>();
        jdbc.query("select pd.device_id, p.id, p.name from pool_device pd join device_pool p on p.id = pd.pool_id"
                + " where p.account_id = ? order by p.name", rs -> {
                    if (usable == null || usable.contains(rs.getString(2))) {
                        names.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }, user.accountId());
        return names;
    }
}
