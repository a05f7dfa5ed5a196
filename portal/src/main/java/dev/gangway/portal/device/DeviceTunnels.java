package dev.gangway.portal.device;

import dev.gangway.portal.relay.TunnelEvents;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live tunnel status of devices, fed by the relay ({@link TunnelEvents}). Kept in memory (a tunnel lives in this JVM's relay); the
 * services of the agent info and the last-seen time are also written to the device row, so the device page lists
 * them when the device is offline. Status changes go out as server-sent events to the device's account. A device
 * without a tunnel whose agent reported its site's key switch off ({@link SiteAccessReports}) shows "remote access
 * disabled on site" instead of "offline", and an on-demand device "asleep (on demand)" ({@link #status}). A device
 * coming online or going offline is also published as a {@link DeviceTunnelChanged} application event.
 *
 * <p>Calls must come in order from one thread (the relay feature's event thread); a tunnel replaced by another with
 * the same certificate may report "up" before the old one's "down", hence the count per certificate.
 */
@Component
public class DeviceTunnels implements TunnelEvents {

    private static final Logger log = LoggerFactory.getLogger(DeviceTunnels.class);

    private final Map<String, Map<String, Integer>> tunnels = new ConcurrentHashMap<>();
    private final DeviceRepository devices;
    private final DeviceEvents events;
    private final JsonMapper json;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;

    DeviceTunnels(DeviceRepository devices, DeviceEvents events, JsonMapper json, TransactionTemplate transactions,
            ApplicationEventPublisher publisher, Clock clock) {
        this.devices = devices;
        this.publisher = publisher;
        this.events = events;
        this.json = json;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void tunnelUp(String deviceId, String certificateSerial, String agentInfo) {
        AgentInfo info = AgentInfo.parse(json, deviceId, agentInfo);
        String accountId = transactions.execute(status -> devices.findById(deviceId).map(device -> {
            device.seen(clock.instant());
            if (!AgentInfo.EMPTY.equals(info)) {
                device.agentInfo(info.agentVersion(), info.hostname(), storable(info.services()));
            }
            return device.getAccountId();
        }).orElse(null));
        if (accountId == null) {
            log.warn("Tunnel up for device {} which is not in the registry", deviceId);
            return;
        }
        boolean wasOnline = isOnline(deviceId);
        tunnels.computeIfAbsent(deviceId, k -> new ConcurrentHashMap<>()).merge(certificateSerial, 1, Integer::sum);
        log.info("Device {} online ({} services)", deviceId, info.services().size());
        if (!wasOnline) {
            events.publish(accountId, deviceId, DeviceStatus.ONLINE);
            publisher.publishEvent(new DeviceTunnelChanged(accountId, deviceId, true, null));
        }
    }

    @Override
    public void tunnelDown(String deviceId, String certificateSerial, String reason) {
        Map<String, Integer> live = tunnels.get(deviceId);
        if (live != null) {
            live.computeIfPresent(certificateSerial, (k, n) -> n <= 1 ? null : n - 1);
            if (live.isEmpty()) {
                tunnels.remove(deviceId, live);
            }
        }
        Device seen = transactions.execute(status -> devices.findById(deviceId).map(device -> {
            device.seen(clock.instant());
            return device;
        }).orElse(null));
        if (!isOnline(deviceId)) {
            log.info("Device {} offline: {}", deviceId, reason);
            if (seen != null) {
                publishCurrent(deviceId);
                publisher.publishEvent(new DeviceTunnelChanged(seen.getAccountId(), deviceId, false, reason));
            }
        }
    }

    @Override
    public void relayStopped() {
        tunnels.clear();
    }

    /** Whether the device holds a tunnel now. */
    public boolean isOnline(String deviceId) {
        Map<String, Integer> live = tunnels.get(deviceId);
        return live != null && !live.isEmpty();
    }

    /**
     * What to show about the device: online, remote access disabled on site (its key switch is off), asleep (on
     * demand), or offline.
     */
    public DeviceStatus status(Device device) {
        return DeviceStatus.of(isOnline(device.getId()), device.isSiteAccessDisabled(), device.isOnDemand());
    }

    /** The device's agent reported a change of its key switch (committed): tells the device's watchers. */
    void siteAccessChanged(Device device) {
        log.info("Device {}: remote access {} on site", device.getId(),
                device.isSiteAccessDisabled() ? "disabled" : "enabled");
        publishCurrent(device.getId());
    }

    /**
     * Publishes the device's status as it is now: read again (committed key switch state, live tunnels) under one
     * lock, so that a tunnel going down and a key-switch report arriving at the same moment on two threads end with
     * the last publication showing both, whatever order they ran in.
     */
    private synchronized void publishCurrent(String deviceId) {
        transactions.executeWithoutResult(status -> devices.findById(deviceId)
                .ifPresent(device -> events.publish(device.getAccountId(), deviceId, status(device))));
    }

    private String storable(List<AgentService> services) {
        List<AgentService> kept = services;
        String text = AgentInfo.servicesJson(json, kept);
        while (text.length() > Device.MAX_SERVICES_JSON && !kept.isEmpty()) {
            kept = kept.subList(0, kept.size() - 1);
            text = AgentInfo.servicesJson(json, kept);
        }
        return text;
    }
}
