package dev.gangway.portal.device;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.pki.CertificateRequest;
import dev.gangway.portal.pki.CsrRejectedException;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.pki.Pem;
import dev.gangway.portal.relay.RelayDirectory;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.DevicePool;
import dev.gangway.portal.rights.Pools;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.system.AuditLog;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers a device agent: checks the request, consumes the activation key, records the device's serial and
 * issues its certificate, all in one transaction, so a refusal or failure leaves nothing behind (the key stays
 * usable after a malformed request). Registration by device name ({@link #registerByName}) takes a signed-in user
 * instead of a key and ends in the same issuing step. Stateless and thread-safe.
 */
@Service
class Registration {

    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[\\x21-\\x7E]{1,64}");

    private final ActivationKeyRepository keys;
    private final DeviceRepository devices;
    private final DeviceCertificates certificates;
    private final CertificateAuthority authority;
    private final RelayDirectory relays;
    private final AuditLog audit;
    private final Clock clock;
    private final AccessService access;
    private final Pools pools;
    private final AccountRepository accounts;

    Registration(ActivationKeyRepository keys, DeviceRepository devices, DeviceCertificates certificates,
            CertificateAuthority authority, RelayDirectory relays, AuditLog audit, Clock clock, AccessService access,
            Pools pools, AccountRepository accounts) {
        this.accounts = accounts;
        this.access = access;
        this.pools = pools;
        this.keys = keys;
        this.devices = devices;
        this.certificates = certificates;
        this.authority = authority;
        this.relays = relays;
        this.audit = audit;
        this.clock = clock;
    }

    /** The registration request of the agent API. */
    record Request(String activationKey, String csr, String serial, String agentVersion, String account) {

        Request(String activationKey, String csr, String serial, String agentVersion) {
            this(activationKey, csr, serial, agentVersion, null);
        }
    }

    /** The answer of a successful registration. */
    record Result(String deviceId, String deviceName, String certificate, String caCertificate, String relayHost,
            int relayPort) {
    }

    @Transactional
    Result register(Request request) {
        if (request == null) {
            throw badRequest("the request body is missing: send JSON with activationKey, csr, serial and agentVersion");
        }
        if (request.activationKey() == null || request.activationKey().isBlank()) {
            throw badRequest("activationKey is missing: pass the key shown on the portal's activation page");
        }
        if (request.serial() == null || request.serial().isBlank()) {
            throw badRequest("serial is missing: send the machine's serial");
        }
        CertificateRequest csr = checkAgentFields(request.serial(), request.agentVersion(), request.csr());

        String canonical = ActivationKeys.normalise(request.activationKey());
        ActivationKey key = canonical == null ? null : keys.findByKeyHash(ActivationKeys.hash(canonical)).orElse(null);
        if (key == null) {
            throw new RegistrationException(HttpStatus.FORBIDDEN, "activation key not recognised");
        }
        Instant now = clock.instant();
        if (key.getUsedAt() != null) {
            throw gone("activation key has already been used");
        }
        if (!now.isBefore(key.getExpiresAt())) {
            throw gone("activation key expired on " + key.getExpiresAt().truncatedTo(ChronoUnit.SECONDS));
        }
        if (request.account() != null && !request.account().isBlank()) {
            // an agent bound to an account (registration by SMS) takes keys of that account only: an SMS from
            // another tenant of the same portal must not pull the machine into that tenant
            String wanted = request.account().trim();
            boolean same = devices.findById(key.getDeviceId())
                    .flatMap(d -> accounts.findByName(wanted).filter(a -> a.getId().equals(d.getAccountId())))
                    .isPresent();
            if (!same) {
                throw new RegistrationException(HttpStatus.FORBIDDEN, "this activation key is not "
                        + "one of account \"" + wanted + "\", the account this device is set up for: make the key in "
                        + "that account");
            }
        }
        if (keys.markUsed(key.getId(), now) != 1) {
            throw gone("activation key has already been used");
        }
        Device device = devices.findById(key.getDeviceId())
                .orElseThrow(() -> new RegistrationException(HttpStatus.GONE,
                        "the device of this activation key was deleted: create the device again"));
        return issue(device, request.serial(), request.agentVersion(), csr, null, "");
    }

    /**
     * Checks the serial, agent version and CSR of a registration request (activation key or by name).
     *
     * @throws RegistrationException 400 naming the field
     */
    static CertificateRequest checkAgentFields(String serial, String agentVersion, String csrPem) {
        if (serial == null || serial.isBlank()) {
            throw badRequest("serial is missing: send the machine's serial");
        }
        if (!SERIAL.matcher(serial).matches()) {
            throw badRequest("serial must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter "
                    + "or digit");
        }
        if (agentVersion != null && !agentVersion.isEmpty() && !VERSION.matcher(agentVersion).matches()) {
            throw badRequest("agentVersion must be 1-64 printable characters without spaces");
        }
        try {
            return CertificateRequest.parse(csrPem);
        } catch (CsrRejectedException e) {
            throw new RegistrationException(HttpStatus.BAD_REQUEST, "bad-csr", e.getMessage());
        }
    }

    /**
     * Registers by device name for a user who signed in (the caller checked the password and second factor, outside
     * any transaction, so counted failures stay): a device of that name in the account is taken over when the user
     * holds "Manage devices" on it (its earlier certificates are revoked by the issuing step, which drops its
     * tunnel); else a new device of that name goes into the pool where the user holds that right ({@code poolName},
     * or the only such pool).
     *
     * @throws RegistrationException with the code for the agent: {@code no-right} (403), {@code device-name-taken}
     *     (409), {@code choose-pool}, {@code no-such-pool} or {@code bad-request} (400)
     */
    @Transactional
    Result registerByName(PortalUser user, String deviceName, String poolName, String serial, String agentVersion,
            CertificateRequest csr) {
        String name;
        try {
            name = DeviceRegistry.checkName(deviceName);
        } catch (IllegalArgumentException e) {
            throw new RegistrationException(HttpStatus.BAD_REQUEST, "bad-request", "deviceName: " + e.getMessage());
        }
        Set<String> managed = access.poolsWhere(user, Right.MANAGE_DEVICES);
        boolean admin = access.isAdmin(user);
        List<Device> named = devices.findByAccountIdOrderByNameAsc(user.accountId()).stream()
                .filter(d -> d.getName().equals(name)).toList();
        String how = "by name by " + user.getName();
        if (!named.isEmpty()) {
            if (named.size() > 1) {
                throw new RegistrationException(HttpStatus.CONFLICT, "device-name-taken", named.size()
                        + " devices are named \"" + name + "\" in this account: rename all but one in the portal, "
                        + "then register again");
            }
            Device device = named.get(0);
            if (!access.can(user, device.getId(), Right.MANAGE_DEVICES)) {
                if (managed.isEmpty() && !admin) {
                    throw noRight();
                }
                throw new RegistrationException(HttpStatus.CONFLICT, "device-name-taken", "a device named \"" + name
                        + "\" exists already and you may not manage it: choose another device name, or ask an "
                        + "administrator for the 'Manage devices' right on its pool");
            }
            return issue(devicesForUpdate(device), serial, agentVersion, csr, user.getName(),
                    how + ", taking over the device");
        }
        if (managed.isEmpty() && !admin) {
            throw noRight();
        }
        String poolId = choosePool(user, managed, admin, poolName);
        Device device = devices.saveAndFlush(new Device(user.accountId(), name, clock.instant()));
        audit.record("device.create", "ok", user.getName(), user.accountId(), device.getId(), device.getName());
        if (poolId != null) {
            pools.placeNewDevice(user, poolId, device.getId());
        }
        return issue(device, serial, agentVersion, csr, user.getName(), how);
    }

    private Device devicesForUpdate(Device device) {
        return devices.findByIdForUpdate(device.getId()).orElse(device);
    }

    /** The pool for a new device: the named one, or the only one; null for an admin of an account without pools. */
    private String choosePool(PortalUser user, Set<String> managed, boolean admin, String poolName) {
        List<DevicePool> mine = pools.list(user.accountId()).stream().filter(p -> managed.contains(p.getId()))
                .toList();
        if (poolName != null && !poolName.isBlank()) {
            String wanted = poolName.strip();
            return mine.stream().filter(p -> p.getName().equals(wanted) || p.getId().equals(wanted)).findFirst()
                    .map(DevicePool::getId)
                    .orElseThrow(() -> new RegistrationException(HttpStatus.BAD_REQUEST, "no-such-pool",
                            "pool: you may not add devices to a pool named \"" + wanted + "\"; "
                                    + poolChoice(mine)));
        }
        if (mine.size() == 1) {
            return mine.get(0).getId();
        }
        if (mine.isEmpty() && admin) {
            return null;
        }
        throw new RegistrationException(HttpStatus.BAD_REQUEST, "choose-pool",
                "pool: you manage the devices of several pools; name the one the device goes into: " + names(mine));
    }

    private static String poolChoice(List<DevicePool> mine) {
        return mine.isEmpty() ? "you may add devices to no pool" : "choose one of: " + names(mine);
    }

    private static String names(List<DevicePool> pools) {
        return pools.stream().map(p -> "\"" + p.getName() + "\"").collect(Collectors.joining(", "));
    }

    private static RegistrationException noRight() {
        return new RegistrationException(HttpStatus.FORBIDDEN, "no-right",
                "you may not add devices: ask an administrator for the 'Manage devices' right on a pool");
    }

    /** The common last step: records the serial, issues the certificate (revoking earlier ones), audits. */
    private Result issue(Device device, String serial, String agentVersionText, CertificateRequest csr, String actor,
            String how) {
        Instant now = clock.instant();
        String agentVersion = agentVersionText == null || agentVersionText.isEmpty() ? null : agentVersionText;
        device.registered(serial, agentVersion, now);
        devices.save(device);
        X509Certificate certificate = certificates.issue(csr, device.getAccountId(), device.getId(), serial);
        audit.record("device.register", "ok", actor, device.getAccountId(), device.getId(),
                (how.isEmpty() ? "" : how + ", ") + "serial " + serial + ", certificate "
                        + DeviceCertificates.serialOf(certificate));
        RelayDirectory.RelayAddress relay = relays.relayFor(device.getId());
        return new Result(device.getId(), device.getName(), Pem.certificate(certificate), authority.certificatePem(),
                relay.host(), relay.port());
    }

    private static RegistrationException badRequest(String message) {
        return new RegistrationException(HttpStatus.BAD_REQUEST, message);
    }

    private static RegistrationException gone(String message) {
        return new RegistrationException(HttpStatus.GONE, message);
    }
}
