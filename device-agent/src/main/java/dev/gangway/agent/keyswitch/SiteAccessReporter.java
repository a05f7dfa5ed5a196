package dev.gangway.agent.keyswitch;

import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the portal whether remote access is enabled on site, so that it shows "remote access disabled on site" instead
 * of "offline" — also when the agent starts with its key switch off and never opens a tunnel. Each report is signed
 * with the device key ({@link PortalApi#reportSiteAccess}).
 *
 * <h2>Delivery</h2> The latest state wins: a report not yet delivered is replaced by a newer one. A failed report
 * (portal unreachable, an error) is retried with a doubling delay from 1 s up to 1 min until it is delivered or
 * replaced; the portal answering 409 (it holds a newer report) ends it. Problems are logged once per streak.
 *
 * <h2>Threading</h2> {@link #report} returns at once; the calls run on a daemon thread of their own.
 */
public final class SiteAccessReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SiteAccessReporter.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LAST_RETRY = Duration.ofMinutes(1);

    private final PortalApi portal;
    private final DeviceCredentials identity;
    private final boolean keySwitch;
    private final Clock clock;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gangway-site-access");
        t.setDaemon(true);
        return t;
    });
    private Boolean pending;
    private Instant pendingAt;
    private Instant lastAt = Instant.EPOCH;
    private Duration retryDelay = FIRST_RETRY;
    private ScheduledFuture<?> next;
    private String lastProblem;

    /**
     * @param keySwitch whether this site has a key switch (without one, remote access is always enabled, and the agent
     *     says so once at start: a switch removed from the configuration must not leave the portal showing "disabled")
     */
    public SiteAccessReporter(PortalApi portal, DeviceCredentials identity, boolean keySwitch, Clock clock) {
        this.portal = portal;
        this.identity = identity;
        this.keySwitch = keySwitch;
        this.clock = clock;
    }

    /** Reports the state as of now, replacing any report not yet delivered. */
    public synchronized void report(boolean enabled) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // strictly increasing in milliseconds, even if the clock stands still or steps back a little: the portal
        // orders the reports by it
        pendingAt = now.isAfter(lastAt) ? now : lastAt.plusMillis(1);
        lastAt = pendingAt;
        pending = enabled;
        retryDelay = FIRST_RETRY;
        schedule(Duration.ZERO);
    }

    private void schedule(Duration delay) {
        if (next != null) {
            next.cancel(false);
        }
        try {
            next = sender.schedule(this::send, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the agent is stopping
        }
    }

    private void send() {
        boolean enabled;
        Instant at;
        synchronized (this) {
            if (pending == null) {
                return;
            }
            enabled = pending;
            at = pendingAt;
        }
        String what = enabled ? "remote access enabled on site" : "remote access disabled on site";
        try {
            portal.reportSiteAccess(identity.device().deviceId(), enabled, keySwitch, at, identity.certificate(),
                    identity.key());
            delivered(at);
            log.info("told the portal: {}", what);
        } catch (PortalException e) {
            if (e.status() == 409) {
                delivered(at);
                log.info("the portal holds a newer site access report than '{}' ({})", what, e.getMessage());
                return;
            }
            synchronized (this) {
                if (pendingAt != at) {
                    return; // replaced meanwhile: the newer report is already scheduled
                }
                Duration delay = retryDelay;
                retryDelay = retryDelay.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retryDelay.multipliedBy(2);
                if (!e.getMessage().equals(lastProblem)) {
                    lastProblem = e.getMessage();
                    log.warn("cannot tell the portal '{}': {}; retrying", what, e.getMessage());
                }
                schedule(delay);
            }
        }
    }

    private synchronized void delivered(Instant at) {
        lastProblem = null;
        if (pendingAt == at) {
            pending = null;
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
