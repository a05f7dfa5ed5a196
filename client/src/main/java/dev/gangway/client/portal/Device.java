package dev.gangway.client.portal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device as the portal shows it to the signed-in user.
 *
 * @param id       the device's id
 * @param name     its name
 * @param online   whether its tunnel is up
 * @param status   online, offline, ...
 * @param pools    the pools it belongs to
 * @param services the LAN services its agent allows
 * @param rights   the user's rights on it ({@code VIEW_STATUS}, {@code CLIENT_FORWARD}, ...)
 * @param onDemand whether it connects only when woken
 */
public record Device(String id, String name, boolean online, String status, List<String> pools,
        List<DeviceService> services, List<String> rights, boolean onDemand) {

    /** The right to open client port forwards to the device. */
    public static final String CLIENT_FORWARD = "CLIENT_FORWARD";

    public Device {
        pools = List.copyOf(pools);
        services = List.copyOf(services);
        rights = List.copyOf(rights);
    }

    /** {@code {"id","name"}}, for JSON output. */
    public Map<String, Object> reference() {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("id", id);
        ref.put("name", name);
        return ref;
    }

    /** Whether the user may open client port forwards to it. */
    public boolean mayForward() {
        return rights.contains(CLIENT_FORWARD);
    }
}
