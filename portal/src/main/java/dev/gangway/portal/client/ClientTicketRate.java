package dev.gangway.portal.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * How fast each client session may ask for stream tickets: a token bucket per session holding up to
 * {@code gangway.client.ticket-burst} tickets (50), refilled at {@code gangway.client.tickets-per-second} (20).
 * One ticket is one connection the client accepted, so a client (or a stolen token) cannot make the portal sign
 * tickets, and read the database for each, as fast as it can send requests; a client over the rate gets 429
 * {@code throttled} and is expected to slow down (the Gangway client retries a little later).
 *
 * <p>In memory, per portal instance: with several portal instances behind a load balancer each counts its own
 * requests. Remembers at most {@value #TRACKED_SESSIONS} sessions, the least recently used forgotten first (a
 * forgotten session starts again with a full bucket).
 *
 * <p>Thread-safe (one lock; each call is a few arithmetic operations).
 */
@Component
class ClientTicketRate {

    static final int TRACKED_SESSIONS = 10_000;

    private final double burst;
    private final double perNano;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > TRACKED_SESSIONS;
        }
    };

    @Autowired
    ClientTicketRate(ClientSettings settings) {
        this(settings.ticketBurst(), settings.ticketsPerSecond(), System::nanoTime);
    }

    /** For tests: a clock of their own ({@code nanoTime} like {@link System#nanoTime()}). */
    ClientTicketRate(int burst, double perSecond, LongSupplier nanoTime) {
        if (burst < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("the ticket burst must be at least 1 and the rate above 0");
        }
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.nanoTime = nanoTime;
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** Takes one ticket's worth from the session's bucket; false when it is empty (the request is refused). */
    synchronized boolean tryTake(String sessionId) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(sessionId);
        if (bucket == null) {
            bucket = new Bucket(burst, now);
            buckets.put(sessionId, bucket);
        } else {
            long elapsed = Math.max(0, now - bucket.at);
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perNano);
            bucket.at = now;
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    /** An ended session's bucket is of no more use. */
    @EventListener
    void sessionEnded(ClientSessionEnded event) {
        forget(event.sessionId());
    }

    synchronized void forget(String sessionId) {
        buckets.remove(sessionId);
    }

    /** Sessions remembered now. */
    synchronized int tracked() {
        return buckets.size();
    }

    /** The refusal's words, with the limits. */
    String refusal() {
        return "too many connections at once; slow down (a client session may ask for " + (long) burst
                + " tickets at once, then " + rate() + " a second)";
    }

    private String rate() {
        double perSecond = perNano * 1e9;
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond)
                : String.format(java.util.Locale.ROOT, "%.3f", perSecond).replaceAll("0+$", "");
    }
}
