package dev.gangway.tunnel;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's count of LAN streams ({@code CONNECT} requests from the relay, on any of its connections) and when one
 * last opened or closed, for an on-demand agent's idle timeout ({@link TunnelClient#openStreams()},
 * {@link TunnelClient#lastStreamActivity()}). The relay's alarm polls and agent-info requests are not LAN streams.
 *
 * <h2>Threading</h2> Updated on the tunnel's event loops, read from any thread.
 */
final class LanStreams {

    private final Clock clock;
    private final AtomicInteger open = new AtomicInteger();
    private volatile Instant lastActivity;

    LanStreams(Clock clock) {
        this.clock = clock;
        this.lastActivity = clock.instant();
    }

    /** A {@code CONNECT} request arrived (it counts until its stream closes, refused or not). */
    void opened() {
        open.incrementAndGet();
        lastActivity = clock.instant();
    }

    void closed() {
        open.decrementAndGet();
        lastActivity = clock.instant();
    }

    /** The tunnel was admitted: a fresh connection counts as activity. */
    void touch() {
        lastActivity = clock.instant();
    }

    int open() {
        return open.get();
    }

    Instant lastActivity() {
        return lastActivity;
    }
}
