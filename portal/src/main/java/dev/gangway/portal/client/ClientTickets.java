package dev.gangway.portal.client;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.device.DeviceStatus;
import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Signs stream tickets for the client: one stream, to one LAN target of one device, bound to one of the session's
 * client certificates, valid {@code gangway.client.ticket-seconds} (60 s). Checks in this order: the device is one
 * the user may see (else 404, like a device of another account), the user holds "Client port forwards" on it
 * (403), the target is a host and port (400), the certificate is the session's and valid (409), the device is
 * online (409). The relay checks all of it again when the stream opens ({@link ClientStreamAuthorizer}).
 *
 * <p>Remembers the client address of each ticket's request until the stream opens (or at most
 * {@value #REMEMBERED_TICKETS} tickets), for the connection report.
 */
@Service
class ClientTickets {

    static final int REMEMBERED_TICKETS = 10_000;

    private final ClientDevices devices;
    private final ClientCertificates certificates;
    private final Access access;
    private final TicketKeys ticketKeys;
    private final ClientSettings settings;
    private final Clock clock;
    private final Map<String, String> addresses = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_TICKETS;
        }
    };

    ClientTickets(ClientDevices devices, ClientCertificates certificates, Access access, TicketKeys ticketKeys,
            ClientSettings settings, Clock clock) {
        this.devices = devices;
        this.certificates = certificates;
        this.access = access;
        this.ticketKeys = ticketKeys;
        this.settings = settings;
        this.clock = clock;
    }

    /** A signed ticket and when it expires. */
    record Issued(String token, Instant expiresAt) {
    }

    /**
     * Checks and signs.
     *
     * @throws ClientApiException with the contract's code and status when refused
     */
    Issued issue(ClientPrincipal caller, String deviceId, String host, Integer port, String fingerprint,
            String clientAddress) {
        PortalUser user = caller.user();
        Device device = devices.visible(user, deviceId).orElseThrow(() -> ClientApiException.noSuchDevice(deviceId));
        if (!access.can(user, deviceId, Right.CLIENT_FORWARD)) {
            throw new ClientApiException(HttpStatus.FORBIDDEN, "no-right", "you may not open client port forwards "
                    + "to " + device.getName() + ": ask an administrator of the account for the '"
                    + Right.CLIENT_FORWARD.label() + "' right");
        }
        LanTarget target = target(host, port);
        if (certificates.valid(caller.sessionId(), fingerprint).isEmpty()) {
            throw new ClientApiException(HttpStatus.CONFLICT, "no-certificate", "the certificate "
                    + ClientApiException.printable(fingerprint) + " was not issued to this session or is no longer "
                    + "valid: get a new one (POST /certificate) and use its SHA-256 fingerprint");
        }
        DeviceStatus status = devices.status(device);
        if (!status.isOnline()) {
            throw new ClientApiException(HttpStatus.CONFLICT, "device-offline", status == DeviceStatus.SITE_DISABLED
                    ? device.getName() + ": remote access disabled on site; it can be reached again when someone at "
                            + "the machine turns the key switch on"
                    : status == DeviceStatus.ASLEEP
                    ? device.getName() + " is asleep (an on-demand device): wake it first ('wake' or POST /devices/"
                            + device.getId() + "/wake), then connect when it is online"
                    : device.getName() + " is offline: its agent is not connected to the relay; try again when it "
                            + "is online");
        }
        Instant expiresAt = clock.instant().plusSeconds(settings.ticketSeconds());
        String ticketId = UUID.randomUUID().toString();
        String token = Tickets.sign(new StreamTicket(ticketId, user.accountId(), user.username(), deviceId, target,
                expiresAt, fingerprint), ticketKeys.privateKey());
        if (clientAddress != null) {
            synchronized (addresses) {
                addresses.put(ticketId, clientAddress);
            }
        }
        return new Issued(token, expiresAt);
    }

    /** The address the ticket was asked for from, once (the relay's look-up when the stream opens). */
    String takeAddress(String ticketId) {
        synchronized (addresses) {
            return addresses.remove(ticketId);
        }
    }

    private static LanTarget target(String host, Integer port) {
        if (host == null || host.isBlank() || host.length() > 253) {
            throw new ClientApiException(HttpStatus.BAD_REQUEST, "bad-target", "host must be a LAN host name or "
                    + "address of 1 to 253 characters, e.g. \"192.168.1.10\"");
        }
        if (host.chars().anyMatch(c -> c <= ' ' || c == 127 || c == '/' || c == '@')) {
            throw new ClientApiException(HttpStatus.BAD_REQUEST, "bad-target", "host "
                    + ClientApiException.printable(host) + " holds spaces, control characters, '/' or '@': send a "
                    + "host name or an address only");
        }
        if (port == null || port < 1 || port > 65535) {
            throw new ClientApiException(HttpStatus.BAD_REQUEST, "bad-target", "port must be a whole number from 1 "
                    + "to 65535");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return new LanTarget(bare, port);
        } catch (IllegalArgumentException e) {
            throw new ClientApiException(HttpStatus.BAD_REQUEST, "bad-target", e.getMessage());
        }
    }
}
