package dev.gangway.tunnel;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The ticket ids a relay has already opened a stream for, each remembered until its ticket expires (after that
 * {@link Tickets#verify} refuses the ticket anyway), so that a ticket opens at most one stream.
 *
 * <h2>Memory</h2> Expired ids are dropped on every {@link #claim}. At most {@code capacity} unexpired ids are
 * kept; beyond that a new ticket is refused with {@link TunnelError#TOO_MANY_STREAMS} (retry later: entries
 * expire within a ticket's lifetime, 60 s for the access server's tickets) rather than forgetting an id that
 * could then be replayed.
 *
 * <h2>Threading</h2> Thread-safe; every call holds one lock for O(log n).
 */
final class UsedTickets {

    /** Enough for more than 16,000 new streams a second with 60-second tickets; about 200 bytes per id. */
    static final int DEFAULT_CAPACITY = 1_000_000;

    private record Use(String ticketId, Instant expiresAt) {
    }

    private final int capacity;
    private final Map<String, Instant> byId = new HashMap<>();
    private final PriorityQueue<Use> byExpiry = new PriorityQueue<>((a, b) -> a.expiresAt.compareTo(b.expiresAt));

    UsedTickets(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Records the ticket's first use.
     *
     * @throws TunnelException {@link TunnelError#BAD_TICKET} if this id was used before (and has not expired),
     *     {@link TunnelError#TOO_MANY_STREAMS} if {@code capacity} unexpired ids are remembered
     */
    synchronized void claim(StreamTicket ticket, Instant now) throws TunnelException {
        purge(now);
        if (byId.containsKey(ticket.ticketId())) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "ticket already used");
        }
        if (byId.size() >= capacity) {
            throw TunnelException.of(TunnelError.TOO_MANY_STREAMS, "the relay remembers " + capacity
                    + " unexpired tickets; try again when some have expired");
        }
        byId.put(ticket.ticketId(), ticket.expiresAt());
        byExpiry.add(new Use(ticket.ticketId(), ticket.expiresAt()));
    }

    synchronized int size() {
        return byId.size();
    }

    private void purge(Instant now) {
        for (Use oldest = byExpiry.peek(); oldest != null && !now.isBefore(oldest.expiresAt); oldest = byExpiry.peek()) {
            byExpiry.poll();
            byId.remove(oldest.ticketId, oldest.expiresAt);
        }
    }
}
