package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.web.DesktopMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The desktop sessions open now, so that a change of access can end them ({@link DesktopSessionEnding}) and the
 * connection report can follow their bytes. A session is added once its record is written, before its thread
 * starts, and removed when it has ended.
 *
 * <p>Thread-safe.
 */
@Component
class LiveDesktops {

    /** What the registry knows of a live session. */
    interface Live {

        String id();

        String accountId();

        String username();

        String deviceId();

        DesktopMode mode();

        /** Ends the session (idempotent); its thread then sends the end to the browser and closes the record. */
        void end(DesktopEnd end);
    }

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Object adding = new Object();

    /**
     * Adds a session unless its user, its device or the portal already has as many open as allowed; returns null
     * when it was added, else the sentence for the user.
     */
    String add(Live session, int maxPerUser, int maxPerDevice, int maxTotal) {
        synchronized (adding) {
            if (live.size() >= maxTotal) {
                return "the portal has " + maxTotal + " desktops open already; try again later";
            }
            long ofUser = live.values().stream().filter(s -> s.accountId().equals(session.accountId())
                    && s.username().equals(session.username())).count();
            if (ofUser >= maxPerUser) {
                return "you have " + maxPerUser + " desktops open already; close one first";
            }
            long ofDevice = live.values().stream().filter(s -> s.deviceId().equals(session.deviceId())).count();
            if (ofDevice >= maxPerDevice) {
                return "this device has " + maxPerDevice + " desktops open already; try again when one is closed";
            }
            live.put(session.id(), session);
            return null;
        }
    }

    void remove(Live session) {
        live.remove(session.id(), session);
    }

    /** The live sessions (a snapshot). */
    List<Live> sessions() {
        return new ArrayList<>(live.values());
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    /**
     * Ends the sessions for which {@code endFor} gives an end (null: goes on); returns how many ended. Runs
     * {@code endFor} on the calling thread, once per session.
     */
    int endWhere(Function<Live, DesktopEnd> endFor) {
        int ended = 0;
        for (Live session : sessions()) {
            DesktopEnd end = endFor.apply(session);
            if (end != null) {
                session.end(end);
                ended++;
            }
        }
        return ended;
    }
}
