package dev.gangway.agent.keyswitch;

import dev.gangway.agent.config.KeySwitchConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's key switch: reads its input every poll interval and reports each change (on = remote access enabled on
 * site, off = disabled).
 *
 * <h2>Readings</h2> A reading of on or off (after {@code invert}) counts at once. A reading that gives neither (no
 * file, a value that is neither, a command that cannot run) counts as the configured {@code missing} only when the
 * next poll confirms it, so a file caught half-written does not switch the tunnel; at start there is no earlier state
 * to keep, so it counts at once. Each problem is logged once, and its end too.
 *
 * <h2>Lifecycle and threading</h2> {@link #readInitial()} once, before the tunnel starts; then {@link #start} polls on
 * a daemon thread of its own, which also calls the listener (it may block briefly: the tunnel's calls do not);
 * {@link #close()} stops polling.
 */
public final class KeySwitch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeySwitch.class);
    /** Consecutive unknown readings after which {@code missing} applies. */
    private static final int CONFIRM_UNKNOWN = 2;

    /** Told of every change of the switch. */
    @FunctionalInterface
    public interface Listener {
        void switched(boolean on);
    }

    private final SwitchInput input;
    private final boolean invert;
    private final Duration poll;
    private final boolean missingMeansOn;
    private final ScheduledExecutorService timer;
    private volatile boolean on;
    private int unknownStreak;
    private String lastProblem;

    KeySwitch(SwitchInput input, boolean invert, Duration poll, boolean missingMeansOn) {
        this.input = Objects.requireNonNull(input, "input");
        this.invert = invert;
        this.poll = Objects.requireNonNull(poll, "poll");
        this.missingMeansOn = missingMeansOn;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gangway-key-switch");
            t.setDaemon(true);
            return t;
        });
    }

    public static KeySwitch create(KeySwitchConfig config) {
        return new KeySwitch(SwitchInput.of(config.input()), config.invert(), config.poll(), config.missingMeansOn());
    }

    /** Reads the switch once; an input that gives no reading counts as {@code missing} at once. */
    public synchronized boolean readInitial() {
        Boolean value = interpret(input.read(), true);
        on = value;
        log.info("key switch ({}{}) is {}: {}", input.describe(), invert ? ", inverted" : "", on ? "on" : "off",
                on ? "remote access enabled on site" : "remote access disabled on site; no tunnel until it is on");
        return on;
    }

    /** Polls every interval from now on, telling {@code listener} of each change. */
    public void start(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        timer.scheduleWithFixedDelay(() -> {
            try {
                pollOnce(listener);
            } catch (RuntimeException e) {
                log.warn("key switch poll failed", e);
            }
        }, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The switch as last read. */
    public boolean isOn() {
        return on;
    }

    synchronized void pollOnce(Listener listener) {
        Boolean value = interpret(input.read(), false);
        if (value == null || value == on) {
            return;
        }
        on = value;
        if (on) {
            log.info("key switch on: remote access enabled on site");
        } else {
            log.info("key switch off: remote access disabled on site; closing the tunnel, it stays closed until the "
                    + "switch is on");
        }
        listener.switched(on);
    }

    /** True = on, false = off, null = no decision yet (an unknown reading waiting for confirmation). */
    private Boolean interpret(SwitchReading reading, boolean initial) {
        if (reading.known()) {
            if (lastProblem != null) {
                log.info("key switch input readable again ({})", input.describe());
                lastProblem = null;
            }
            unknownStreak = 0;
            return (reading.value() == SwitchReading.Value.ON) != invert;
        }
        unknownStreak++;
        if (!reading.problem().equals(lastProblem)) {
            lastProblem = reading.problem();
            log.warn("key switch input gives no reading: {}; this counts as {} (missing: {})", reading.problem(),
                    missingMeansOn ? "on" : "off", missingMeansOn ? "on" : "off");
        }
        return initial || unknownStreak >= CONFIRM_UNKNOWN ? missingMeansOn : null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
