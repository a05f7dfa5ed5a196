package dev.gangway.portal.alarm;

import dev.gangway.portal.relay.DeviceAlarms;
import dev.gangway.tunnel.Alarm;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the alarms the relay receives from device agents: stores each once per (device, agent alarm id) in one
 * transaction, and only after the commit queues the new ones for sending ({@link AlarmDispatcher}). A delivery the
 * agent repeats because the acknowledgement was lost stores nothing and sends nothing again, so recipients get each
 * alarm once. Also lists a device's last alarms for its page.
 *
 * <p>Thread-safe; {@link #store} blocks on the database and is called on the relay feature's alarm threads.
 */
@Service
public class AlarmService implements DeviceAlarms {

    /** How many alarms the device page lists. */
    public static final int SHOWN_ON_DEVICE_PAGE = 20;

    private static final Logger log = LoggerFactory.getLogger(AlarmService.class);

    private final AlarmTable table;
    private final AlarmDispatcher dispatcher;
    private final TransactionTemplate transactions;
    private final Clock clock;

    AlarmService(AlarmTable table, AlarmDispatcher dispatcher, TransactionTemplate transactions, Clock clock) {
        this.table = table;
        this.dispatcher = dispatcher;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void store(String deviceId, String certificateSerial, List<Alarm> alarms) {
        Optional<List<String>> stored = transactions.execute(status -> table.insertNew(deviceId, alarms,
                clock.instant()));
        if (stored == null || stored.isEmpty()) {
            // cannot happen for a tunnel the relay admitted (its certificate names a device we know); acknowledged,
            // since asking again would never find the device either
            log.warn("{} alarm(s) of device {} (certificate {}) dropped: the device is not in the registry",
                    alarms.size(), deviceId, certificateSerial);
            return;
        }
        List<String> added = stored.get();
        log.info("Device {}: {} alarm(s) received, {} new", deviceId, alarms.size(), added.size());
        dispatcher.dispatch(added);
    }

    /** The device's last alarms, newest first; empty for a device of another account. */
    public List<AlarmView> latest(String accountId, String deviceId) {
        return table.latest(accountId, deviceId, SHOWN_ON_DEVICE_PAGE);
    }
}
