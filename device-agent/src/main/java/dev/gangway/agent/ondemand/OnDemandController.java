package dev.gangway.agent.ondemand;

import dev.gangway.agent.alarms.AlarmQueue;
import dev.gangway.agent.config.OnDemandConfig;
import dev.gangway.agent.sms.SmsInbox;
import dev.gangway.agent.sms.SmsMessage;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelClient.State;
import dev.gangway.tunnel.TunnelError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the tunnel of an on-demand device: down (no connection, no keepalive) until woken, up while in use, down
 * again after the idle time.
 *
 * <h2>Wake-ups</h2> A wake-up SMS that {@link WakeVerifier} accepts, or an alarm queued while the tunnel is down
 * (more alarms than when it went down — so an alarm the portal does not take cannot keep the device dialling), makes
 * the agent report {@code dialling} to the portal (for an SMS) and enable the tunnel. A wake-up while the tunnel is up
 * restarts the idle time.
 *
 * <h2>Hanging up</h2> When no LAN stream has been open for the idle time (counted from the last stream opening or
 * closing, the tunnel's last connect, or the wake-up, whichever is latest), the agent closes the tunnel telling the
 * relay why ({@link TunnelError#IDLE_TIMEOUT}). A tunnel that does not come up within the idle time after a wake-up
 * is given up the same way. When the portal sends the device offline (the relay's {@link TunnelError#SENT_OFFLINE}),
 * the tunnel client stops by itself and the agent stays down until the next wake-up.
 *
 * <h2>Key switch</h2> Off always wins: it closes the tunnel ({@code SITE_DISABLED}) and wake-ups are refused while it
 * is off. Turning it on does not dial: the next wake-up does (or an alarm already queued).
 *
 * <h2>Lifecycle and threading</h2> Construct with the tunnel client before it starts (this suspends it), then
 * {@link #start()}: the SMS inbox is polled every second on its own daemon thread, the idle time and the alarm queue
 * are checked on another. Every decision is taken under this object's monitor, and the tunnel client is only called
 * with it held (the client never calls back into this class), so a key switch turning off cannot be overtaken by a
 * wake-up. {@link #close()} stops both threads; the tunnel client is closed by its owner.
 */
public final class OnDemandController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnDemandController.class);
    static final Duration SMS_POLL = Duration.ofSeconds(1);
    private static final Duration MAX_CHECK = Duration.ofSeconds(1);
    private static final Duration MIN_CHECK = Duration.ofMillis(50);

    private final Duration idleTimeout;
    private final SmsInbox inbox;
    private final WakeVerifier verifier;
    private final TunnelClient client;
    private final Optional<WakeProgressReporter> progress;
    private final Optional<AlarmQueue> alarms;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gangway-on-demand");
        t.setDaemon(true);
        return t;
    });
    private SmsInbox.Poller poller;
    private volatile boolean siteEnabled;
    private boolean awake;
    private Instant wokenAt;
    /** Alarms queued when the tunnel last went down; more than this wakes the device. */
    private int alarmBaseline;
    private boolean closed;

    /**
     * Suspends {@code client} (call before it starts, so it never dials by itself).
     *
     * @param siteEnabled the key switch as read at start (true without a key switch)
     */
    public OnDemandController(OnDemandConfig config, SmsInbox inbox, WakeVerifier verifier, TunnelClient client,
            Optional<WakeProgressReporter> progress, Optional<AlarmQueue> alarms, Clock clock, boolean siteEnabled) {
        this.idleTimeout = Objects.requireNonNull(config, "config").idleTimeout();
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.client = Objects.requireNonNull(client, "client");
        this.progress = progress;
        this.alarms = alarms;
        this.clock = clock;
        this.siteEnabled = siteEnabled;
        client.suspend(TunnelError.IDLE_TIMEOUT);
    }

    /** Starts reading the SMS inbox and watching the idle time and the alarm queue. */
    public synchronized void start() {
        if (poller != null || closed) {
            throw new IllegalStateException("on-demand controller already started or closed");
        }
        log.info("on-demand device: no tunnel until a wake-up SMS arrives in {}{}; it hangs up after {} s without"
                + " a connection", inbox.directory(), alarms.isPresent() ? " or an alarm is queued" : "",
                idleTimeout.toSeconds());
        Duration check = idleTimeout.dividedBy(10);
        check = check.compareTo(MAX_CHECK) > 0 ? MAX_CHECK : check.compareTo(MIN_CHECK) < 0 ? MIN_CHECK : check;
        timer.scheduleWithFixedDelay(this::safeTick, 0, check.toMillis(), TimeUnit.MILLISECONDS);
        poller = inbox.startPolling(SMS_POLL, this::sms);
    }

    /** Whether remote access is enabled on site (the key switch), as last told. */
    public boolean siteEnabled() {
        return siteEnabled;
    }

    /** Whether the device is woken (the tunnel is up, or being opened, on demand). */
    public synchronized boolean awake() {
        return awake;
    }

    /** Takes one SMS from the inbox: a wake-up is verified and acted on, anything else is logged and dropped. */
    void sms(SmsMessage sms) {
        if (!WakeMessage.isWake(sms.text())) {
            log.info("SMS from {} ({}) is not a wake-up; ignored (activation keys are read only while the device is"
                    + " not registered)", sms.sender(), sms.fileName());
            return;
        }
        WakeMessage wake;
        try {
            wake = verifier.verify(sms);
        } catch (WakeRefusedException e) {
            log.warn("wake-up SMS from {} ({}) refused: {}", sms.sender(), sms.fileName(), e.getMessage());
            return;
        }
        wake("wake-up SMS from " + sms.sender() + " (sent " + Instant.ofEpochSecond(wake.at()) + ")",
                OptionalLong.of(wake.at()));
    }

    private synchronized void wake(String why, OptionalLong smsTime) {
        if (closed) {
            return;
        }
        if (!siteEnabled) {
            log.warn("{}, but remote access is disabled on site (key switch off): not dialling", why);
            return;
        }
        wokenAt = clock.instant();
        State state = client.state();
        if (awake && state != State.DISABLED) {
            log.info("{}: the tunnel is already {}; it stays up for another {} s without a connection", why,
                    state == State.CONNECTED ? "up" : "being opened", idleTimeout.toSeconds());
            if (state != State.CONNECTED) {
                smsTime.ifPresent(t -> progress.ifPresent(p -> p.report(t, WakeProgressReporter.DIALLING)));
            }
            return;
        }
        awake = true;
        log.info("{}: dialling the relay (on demand)", why);
        smsTime.ifPresent(t -> progress.ifPresent(p -> p.report(t, WakeProgressReporter.DIALLING)));
        client.enable();
    }

    /** The key switch changed: off closes the tunnel at once and keeps it closed; on only allows wake-ups again. */
    public synchronized void siteAccess(boolean on) {
        siteEnabled = on;
        if (on) {
            alarmBaseline = 0; // alarms waiting from before may go out now
            log.info("remote access enabled on site: the tunnel opens at the next wake-up (on demand)");
            return;
        }
        if (awake) {
            log.info("remote access disabled on site: hanging up; no wake-up counts until the key switch is on");
        }
        awake = false;
        alarmBaseline = queuedAlarms();
        client.disable();
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("on-demand check failed", e);
        }
    }

    /** Hangs up when idle, notices being sent offline, wakes for new alarms. */
    synchronized void tick() {
        if (closed) {
            return;
        }
        if (!awake) {
            int queued = queuedAlarms();
            if (siteEnabled && queued > alarmBaseline) {
                wake(queued + (queued == 1 ? " alarm" : " alarms") + " queued", OptionalLong.empty());
            } else {
                alarmBaseline = Math.min(alarmBaseline, queued);
            }
            return;
        }
        State state = client.state();
        if (state == State.DISABLED || state == State.CLOSED) {
            awake = false;
            alarmBaseline = queuedAlarms();
            if (client.lastError() == TunnelError.SENT_OFFLINE) {
                log.info("the portal sent this device offline: no tunnel until the next wake-up SMS");
            }
            return;
        }
        if (client.openStreams() > 0) {
            return;
        }
        Instant activity = client.lastStreamActivity();
        Instant since = activity.isAfter(wokenAt) ? activity : wokenAt;
        if (Duration.between(since, clock.instant()).compareTo(idleTimeout) < 0) {
            return;
        }
        awake = false;
        alarmBaseline = queuedAlarms();
        if (state == State.CONNECTED || state == State.DRAINING) {
            log.info("no connection through the tunnel for {} s: hanging up (on demand); the next wake-up SMS dials"
                    + " again", idleTimeout.toSeconds());
        } else {
            TunnelError error = client.lastError();
            log.warn("the tunnel did not come up within {} s of the wake-up{}: giving up until the next wake-up SMS",
                    idleTimeout.toSeconds(), error == null ? "" : " (" + error.description() + ")");
        }
        client.suspend(TunnelError.IDLE_TIMEOUT);
    }

    private int queuedAlarms() {
        return alarms.map(AlarmQueue::size).orElse(0);
    }

    @Override
    public void close() {
        SmsInbox.Poller running;
        synchronized (this) {
            closed = true;
            running = poller;
        }
        if (running != null) {
            running.close();
        }
        timer.shutdownNow();
    }
}
