package dev.gangway.tunnel;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The agent's keepalive interval, adapted to the site's NAT: how long the tunnel may stay silent before the agent
 * sends a PING. Pure bookkeeping, no timers: the caller reports what happened, with the time it happened.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Start at the configured interval (the <em>ceiling</em>, never exceeded).</li>
 *   <li><b>Shorten</b> when a tunnel dies while the agent's keepalive PING, sent after {@code s} of silence, is
 *       unanswered (no answer within the timeout, or the connection reset or closed first): a NAT or firewall on
 *       the way probably forgot the idle connection within {@code s}. The next connections use {@code s / 2}, or
 *       the longest interval that has been answered before if that is longer and at most
 *       {@value #SAFETY_PERCENT} % of {@code s}; never less than the <em>floor</em>. {@code s} is remembered as
 *       fatal.</li>
 *   <li><b>Probe up slowly</b> once the current interval is proven: after {@value #STABLE_EXCHANGES} idle PINGs
 *       in a row answered at it, and at least {@link #STABLE_TIME} since it was last changed, try
 *       {@code max(interval × 1.25, interval + 5 s)}, but at most {@value #SAFETY_PERCENT} % of the remembered fatal
 *       silence (and the ceiling). The longest step is 1.25×, below the 1.5× the relay waits before it PINGs
 *       itself, so the relay never fills a silence the agent is testing.</li>
 *   <li><b>Forget</b> a fatal silence after {@link #FORGET_AFTER} without another death (the device may have
 *       moved to another network): probes may then go up to the ceiling again.</li>
 * </ul>
 * Each change comes back as a sentence for the log.
 *
 * <h2>Threading</h2> Thread-safe (its monitor guards everything); state lives in memory only, so an agent restart
 * starts again from the ceiling.
 */
final class KeepaliveAdaptation {

    /** Idle PINGs answered in a row at the current interval before a probe upwards. */
    static final int STABLE_EXCHANGES = 10;
    /** And at least this long since the interval last changed. */
    static final Duration STABLE_TIME = Duration.ofHours(1);
    /** A fatal silence older than this no longer caps the probes. */
    static final Duration FORGET_AFTER = Duration.ofHours(24);
    /** Intervals stay at or below this share of a silence that killed a tunnel. */
    static final int SAFETY_PERCENT = 80;
    private static final Duration MIN_STEP = Duration.ofSeconds(5);

    private final Duration ceiling;
    private final Duration floor;
    private Duration interval;
    /** Longest silence after which a keepalive PING was answered (null: none since the last reset). */
    private Duration longestAnswered;
    /** The latest silence that killed a tunnel, and when (null: none remembered). */
    private Duration fatal;
    private Instant fatalAt;
    private Instant changedAt;
    private int answeredInARow;

    /**
     * @param ceiling the configured interval: the start and the most ever used
     * @param floor the least ever used (taken as the ceiling when it is longer)
     * @param now when the bookkeeping starts
     */
    KeepaliveAdaptation(Duration ceiling, Duration floor, Instant now) {
        this.ceiling = positive(ceiling, "keepalive interval");
        this.floor = min(positive(floor, "shortest keepalive interval"), ceiling);
        this.interval = ceiling;
        this.changedAt = Objects.requireNonNull(now, "now");
    }

    /** The interval for the next PING (and the next connections). */
    synchronized Duration interval() {
        return interval;
    }

    synchronized Duration floor() {
        return floor;
    }

    synchronized Duration ceiling() {
        return ceiling;
    }

    /**
     * The agent's keepalive PING, sent after {@code silence} without anything read, was answered.
     *
     * @return what changed, in plain words for the log, or null if nothing did
     */
    synchronized String answered(Duration silence, Instant now) {
        if (longestAnswered == null || silence.compareTo(longestAnswered) > 0) {
            longestAnswered = silence;
        }
        if (silence.compareTo(interval) < 0) {
            return null; // an exchange at an older, shorter interval proves nothing about this one
        }
        answeredInARow++;
        String forgot = null;
        if (fatal != null && !now.isBefore(fatalAt.plus(FORGET_AFTER))) {
            forgot = "the tunnel death after " + seconds(fatal) + " of silence was " + FORGET_AFTER.toHours()
                    + " h ago or more, so it no longer limits the interval";
            fatal = null;
            fatalAt = null;
        }
        Duration limit = limit();
        Duration step = max(interval.plus(MIN_STEP), Duration.ofMillis(interval.toMillis() * 5 / 4));
        Duration next = min(step, limit);
        if (answeredInARow < STABLE_EXCHANGES || now.isBefore(changedAt.plus(STABLE_TIME))
                || next.compareTo(interval) <= 0) {
            return forgot == null ? null : "keepalive: " + forgot;
        }
        String message = "keepalive: " + (forgot == null ? "" : forgot + "; ") + "the idle tunnel answered "
                + answeredInARow + " keepalives in a row at " + seconds(interval) + " over " + since(changedAt, now)
                + ": trying " + seconds(next) + " between keepalives to save traffic (at most " + seconds(limit) + ")";
        change(next, now);
        return message;
    }

    /**
     * A tunnel ended while the agent's keepalive PING, sent after {@code silence} without anything read, was
     * unanswered ({@code timedOut}: its answer did not come in time; otherwise the connection reset or closed).
     *
     * @return what changed (or why nothing could), in plain words for the log
     */
    synchronized String died(Duration silence, boolean timedOut, Instant now) {
        fatal = silence;
        fatalAt = now;
        if (longestAnswered != null && longestAnswered.compareTo(silence) >= 0) {
            longestAnswered = null; // the path got stricter: what worked before may not work now
        }
        Duration next = max(floor, silence.dividedBy(2));
        if (longestAnswered != null && longestAnswered.compareTo(limit()) <= 0) {
            next = max(next, longestAnswered);
        }
        next = min(next, interval); // a death never lengthens the interval
        String what = "keepalive: the tunnel died after " + seconds(silence) + " without traffic ("
                + (timedOut ? "its keepalive got no answer" : "the connection was cut while its keepalive was unanswered")
                + "); a NAT or firewall on the way probably forgets idle connections sooner. ";
        Duration was = interval;
        change(next, now);
        if (next.compareTo(was) < 0) {
            return what + "Next connections send a keepalive after " + seconds(next) + " of silence (was "
                    + seconds(was) + "; they probe back up slowly while the tunnel stays up)";
        }
        if (next.compareTo(floor) <= 0) {
            return what + "The interval is already the shortest allowed, " + seconds(next)
                    + "; if this repeats, the link is failing for another reason";
        }
        return what + "The interval stays at " + seconds(next) + ", already below that";
    }

    private Duration limit() {
        if (fatal == null) {
            return ceiling;
        }
        return max(floor, min(ceiling, Duration.ofMillis(fatal.toMillis() * SAFETY_PERCENT / 100)));
    }

    private void change(Duration next, Instant now) {
        interval = next;
        changedAt = now;
        answeredInARow = 0;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String since(Instant from, Instant to) {
        long minutes = Duration.between(from, to).toMinutes();
        return minutes >= 120 ? minutes / 60 + " h" : minutes + " min";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
