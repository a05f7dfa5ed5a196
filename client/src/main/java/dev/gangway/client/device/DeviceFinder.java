package dev.gangway.client.device;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Text;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.PortalClient;
import java.util.List;
import java.util.Locale;

/** Finds the device a user names on the command line: by id, else by name (exact, else ignoring case). */
public final class DeviceFinder {

    private DeviceFinder() {
    }

    /**
     * The device named {@code idOrName} among those the user may see.
     *
     * @throws ClientException exit code 6 when there is none, 2 when the name is ambiguous
     */
    public static Device find(PortalClient portal, String token, String idOrName) {
        return find(portal.devices(token), idOrName);
    }

    /** {@link #find(PortalClient, String, String)} on a list. */
    public static Device find(List<Device> devices, String idOrName) {
        String wanted = idOrName.trim();
        for (Device d : devices) {
            if (d.id().equals(wanted)) {
                return d;
            }
        }
        List<Device> named = devices.stream().filter(d -> d.name().equals(wanted)).toList();
        if (named.isEmpty()) {
            named = devices.stream().filter(d -> d.name().toLowerCase(Locale.ROOT)
                    .equals(wanted.toLowerCase(Locale.ROOT))).toList();
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        if (named.size() > 1) {
            throw ClientException.usage(named.size() + " devices are named '" + Text.clean(wanted)
                    + "'; give the id instead (" + String.join(", ", named.stream().map(Device::id).toList()) + ")");
        }
        throw new ClientException(ExitCode.NO_DEVICE, "no device '" + Text.clean(wanted) + "' among the devices you"
                + " may see; list them with gangway devices");
    }
}
