package dev.gangway.portal.relay;

import dev.gangway.tunnel.Alarm;
import java.util.List;

/**
 * Where the relay hands the alarms a device's agent sent through its tunnel. Implemented by the alarm feature; the
 * relay acknowledges the alarms to the agent (which then deletes them) only after {@link #store} returned.
 */
public interface DeviceAlarms {

    /**
     * Stores the alarms durably, de-duplicated by device and {@link Alarm#id()}, and returns once they are committed
     * (alarms stored before count as stored). Throws when they could not be stored: the relay asks the agent again
     * later. Called on a thread of the relay feature, never on an I/O thread; may block on the database.
     *
     * @param deviceId the device, as its tunnel's certificate proved
     * @param alarms in the agent's sequence order, never empty
     */
    void store(String deviceId, String certificateSerial, List<Alarm> alarms);
}
