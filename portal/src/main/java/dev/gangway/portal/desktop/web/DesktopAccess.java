package dev.gangway.portal.desktop.web;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Which desktop services a user may open, and how. Every answer is scoped to the user's account: a device of another
 * account, an unknown device, an unknown service and a service that is not a desktop are all "empty", alike.
 * Checked when the viewer page is asked for, again when its WebSocket opens, and again whenever access changes.
 */
@Service
public class DesktopAccess {

    /** Service kinds shown as remote desktops. */
    public static final Set<String> DESKTOP_KINDS = Set.of("vnc", "rdp");

    private final DeviceRegistry devices;
    private final Access access;

    DesktopAccess(DeviceRegistry devices, Access access) {
        this.devices = devices;
        this.access = access;
    }

    /** The device, if it is in the user's account (whatever the user's rights). */
    public Optional<Device> device(PortalUser user, String deviceId) {
        if (deviceId == null || deviceId.length() > 36) {
            return Optional.empty();
        }
        return devices.find(user.accountId(), deviceId);
    }

    /** The device's desktop service of that name ({@code vnc} or {@code rdp} kind), as its agent last reported it. */
    public Optional<AgentService> service(PortalUser user, String deviceId, String serviceName) {
        if (serviceName == null || serviceName.length() > 64) {
            return Optional.empty();
        }
        return device(user, deviceId).flatMap(device -> devices.service(device, serviceName))
                .filter(service -> DESKTOP_KINDS.contains(service.kind()));
    }

    /**
     * {@link DesktopMode#CONTROL} with "Remote desktop: control" (administrators hold it),
     * {@link DesktopMode#VIEW_ONLY} with "Remote desktop: view only" alone, empty with neither (or when the user is
     * disabled or expired, or the device is not in the account).
     */
    public Optional<DesktopMode> mode(PortalUser user, String deviceId) {
        Set<Right> rights = access.rightsOn(user, deviceId);
        if (rights.contains(Right.DESKTOP_CONTROL)) {
            return Optional.of(DesktopMode.CONTROL);
        }
        if (rights.contains(Right.DESKTOP_VIEW)) {
            return Optional.of(DesktopMode.VIEW_ONLY);
        }
        return Optional.empty();
    }
}
