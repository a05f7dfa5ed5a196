package dev.gangway.client.connect;

import dev.gangway.client.ClientException;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.DeviceService;
import dev.gangway.tunnel.LanTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code connect} listens on: every service of the device (unless {@code --no-services}), then each
 * {@code --forward}. A {@code --forward} to a service's own target replaces that service's listener (so
 * {@code --forward 8080:198.19.0.2:80} puts the hmi service on port 8080 instead of forwarding it twice).
 */
public final class ForwardPlan {

    /**
     * One listener.
     *
     * @param service   the device service's name, or null for a {@code --forward} to another target
     * @param localPort the local port, 0 for any free one
     * @param target    where it goes on the device's LAN
     */
    public record Entry(String service, int localPort, LanTarget target) {
    }

    private ForwardPlan() {
    }

    /**
     * The listeners for {@code device}.
     *
     * @throws ClientException (exit code 2) when two forwards want the same local port
     */
    public static List<Entry> of(Device device, List<ForwardSpec> forwards, boolean noServices) {
        List<Entry> entries = new ArrayList<>();
        if (!noServices) {
            for (DeviceService s : device.services()) {
                entries.add(new Entry(s.name(), 0, lanTarget(s)));
            }
        }
        for (ForwardSpec f : forwards) {
            int existing = indexOf(entries, f.target());
            String service = serviceFor(device, f.target());
            if (existing >= 0 && (entries.get(existing).localPort() == 0 || f.localPort() == 0)) {
                Entry e = entries.get(existing);
                entries.set(existing, new Entry(e.service() == null ? service : e.service(),
                        Math.max(e.localPort(), f.localPort()), e.target()));
            } else {
                entries.add(new Entry(service, f.localPort(), f.target()));
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (Entry e : entries) {
            if (e.localPort() != 0 && !ports.add(e.localPort())) {
                throw ClientException.usage("local port " + e.localPort() + " is given to two --forward options;"
                        + " give each its own port");
            }
        }
        return entries;
    }

    private static LanTarget lanTarget(DeviceService s) {
        try {
            return s.lanTarget();
        } catch (IllegalArgumentException e) {
            throw new ClientException(1, "the portal lists service '" + s.name() + "' with an invalid target: "
                    + e.getMessage());
        }
    }

    private static int indexOf(List<Entry> entries, LanTarget target) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).target().equals(target)) {
                return i;
            }
        }
        return -1;
    }

    private static String serviceFor(Device device, LanTarget target) {
        for (DeviceService s : device.services()) {
            if (s.port() == target.port() && s.host().equalsIgnoreCase(target.host())) {
                return s.name();
            }
        }
        return null;
    }
}
