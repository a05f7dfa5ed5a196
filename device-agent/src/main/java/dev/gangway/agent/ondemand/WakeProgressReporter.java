package dev.gangway.agent.ondemand;

import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the portal how far a wake-up got ({@link PortalApi#reportWakeProgress}, signed with the device key), so that
 * the user who pressed Connect sees "dialling". Informational: a report that fails is tried again after 1 s and 3 s,
 * then given up (the portal sees the tunnel come up anyway).
 *
 * <h2>Threading</h2> {@link #report} returns at once; the calls run on a daemon thread of their own, in order.
 */
public final class WakeProgressReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WakeProgressReporter.class);
    /** The delays before the second and third try. */
    static final List<Duration> RETRIES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(3));
    public static final String DIALLING = "dialling";

    private final PortalApi portal;
    private final DeviceCredentials identity;
    private final Clock clock;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gangway-wake-progress");
        t.setDaemon(true);
        return t;
    });

    public WakeProgressReporter(PortalApi portal, DeviceCredentials identity, Clock clock) {
        this.portal = portal;
        this.identity = identity;
        this.clock = clock;
    }

    /** Reports {@code state} for the wake-up SMS dated {@code wake} (epoch seconds). */
    public void report(long wake, String state) {
        schedule(wake, state, 0, Duration.ZERO);
    }

    private void schedule(long wake, String state, int attempt, Duration delay) {
        try {
            sender.schedule(() -> send(wake, state, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the agent is stopping
        }
    }

    private void send(long wake, String state, int attempt) {
        try {
            portal.reportWakeProgress(identity.device().deviceId(), wake, state, clock.instant(),
                    identity.certificate(), identity.key());
            log.info("told the portal: {} (wake-up SMS of {})", state, wake);
        } catch (PortalException e) {
            if (attempt < RETRIES.size() && e.kind() != PortalException.Kind.REFUSED) {
                log.info("cannot tell the portal '{}' yet: {}; trying again", state, e.getMessage());
                schedule(wake, state, attempt + 1, RETRIES.get(attempt));
            } else {
                log.warn("cannot tell the portal '{}' (wake-up SMS of {}): {}; the portal sees the tunnel come up"
                        + " anyway", state, wake, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
