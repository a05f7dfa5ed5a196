package dev.gangway.portal.device;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.relay.DeviceOwnership;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Pools;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Devices of an account and their activation keys. Every lookup is scoped to an account: a device id of another
 * account is "not found", exactly like an id that does not exist.
 */
@Service
public class DeviceRegistry implements DeviceOwnership {

    /** Longest device name. */
    static final int MAX_NAME = 100;

    private final DeviceRepository devices;
    private final ActivationKeyRepository keys;
    private final DeviceSettings settings;
    private final Pools pools;
    private final Access access;
    private final AppUserRepository users;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;

    DeviceRegistry(DeviceRepository devices, ActivationKeyRepository keys, DeviceSettings settings, Pools pools,
            Access access, AppUserRepository users, AccountRepository accounts, AuditLog audit, JsonMapper json,
            Clock clock) {
        this.access = access;
        this.users = users;
        this.accounts = accounts;
        this.devices = devices;
        this.keys = keys;
        this.pools = pools;
        this.settings = settings;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** Creates a device with its first activation key. */
    @Transactional
    NewActivationKey create(String accountId, String name, String actor) {
        Device device = devices.save(new Device(accountId, checkName(name), clock.instant()));
        audit.record("device.create", "ok", actor, accountId, device.getId(), device.getName());
        return newKey(device, actor);
    }

    /**
     * Creates a device with its first activation key, placed into a pool on which the user holds "manage devices"
     * (admins: any pool, or none with {@code poolId} null) in the same transaction: a refused pool creates nothing.
     */
    @Transactional
    NewActivationKey create(PortalUser user, String name, String poolId) {
        Device device = devices.saveAndFlush(new Device(user.accountId(), checkName(name), clock.instant()));
        audit.record("device.create", "ok", user.getName(), user.accountId(), device.getId(), device.getName());
        if (poolId != null) {
            pools.placeNewDevice(user, poolId, device.getId());
        }
        return newKey(device, user.getName());
    }

    /** Renames a device of the account; {@link IllegalArgumentException} with the message for the name field. */
    @Transactional
    void rename(String accountId, String deviceId, String name, String actor) {
        Device device = devices.findByIdAndAccountId(deviceId, accountId).orElseThrow();
        String checked = checkName(name);
        if (checked.equals(device.getName())) {
            return;
        }
        String before = device.getName();
        device.rename(checked);
        audit.record("device.rename", "ok", actor, accountId, deviceId, before + " renamed to " + checked);
    }

    /** A new activation key for an existing device of the account; unused earlier keys stop working. */
    @Transactional
    Optional<NewActivationKey> newActivationKey(String accountId, String deviceId, String actor) {
        return devices.findByIdAndAccountId(deviceId, accountId).map(device -> newKey(device, actor));
    }

    private NewActivationKey newKey(Device device, String actor) {
        Instant now = clock.instant();
        keys.expireUnused(device.getId(), now);
        String key = ActivationKeys.generate();
        Instant expires = now.plus(settings.activationKeyValidity());
        keys.save(new ActivationKey(device.getId(), ActivationKeys.hash(ActivationKeys.normalise(key)), now, expires));
        audit.record("activation-key.create", "ok", actor, device.getAccountId(), device.getId(),
                "expires " + expires);
        return new NewActivationKey(device.getId(), key, expires);
    }

    /** The account's devices, by name. */
    @Transactional(readOnly = true)
    public List<Device> list(String accountId) {
        return devices.findByAccountIdOrderByNameAsc(accountId);
    }

    /** The device if it exists and belongs to the account. */
    @Transactional(readOnly = true)
    public Optional<Device> find(String accountId, String deviceId) {
        if (deviceId == null || deviceId.length() > 36) {
            return Optional.empty();
        }
        return devices.findByIdAndAccountId(deviceId, accountId);
    }

    @Override
    @Transactional(readOnly = true)
    public boolean mayOpenWeb(String deviceId, String accountId, String username) {
        return rightsOf(deviceId, accountId, username).contains(Right.OPEN_WEB_HMI);
    }

    @Override
    @Transactional(readOnly = true)
    public boolean mayOpenDesktop(String deviceId, String accountId, String username) {
        java.util.Set<Right> rights = rightsOf(deviceId, accountId, username);
        return rights.contains(Right.DESKTOP_VIEW) || rights.contains(Right.DESKTOP_CONTROL);
    }

    /** The user's rights on the device, none for an unknown user or a device outside the user's account. */
    private java.util.Set<Right> rightsOf(String deviceId, String accountId, String username) {
        // Access answers no rights for a device outside the user's account
        return users.findByAccountIdAndUsername(accountId, username)
                .flatMap(user -> accounts.findById(accountId).map(account -> new PortalUser(user.getId(),
                        user.getUsername(), accountId, account.getName())))
                .map(user -> access.rightsOn(user, deviceId))
                .orElse(java.util.Set.of());
    }

    /** The device's services as last reported by its agent. */
    public List<AgentService> services(Device device) {
        return AgentInfo.readServices(json, device.getServicesJson());
    }

    /** The device's service of that name, if its agent reported one. */
    public Optional<AgentService> service(Device device, String name) {
        return services(device).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("Enter a name for the device, e.g. \"Press line 3\".");
        }
        if (stripped.length() > MAX_NAME) {
            throw new IllegalArgumentException("The name is longer than " + MAX_NAME + " characters: shorten it.");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("The name contains control characters: use letters, digits and "
                    + "punctuation only.");
        }
        return stripped;
    }
}
