package dev.gangway.portal.client;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The client streams the relay admitted and that have not ended yet, by ticket id, with their connection record:
 * so the end of a stream closes the right record (saying why, when the portal cut it), a session carrying live
 * streams does not time out for idleness, and {@link ForwardEnding} can check each again. In memory (a stream lives
 * in this JVM's relay); thread-safe.
 */
@Component
class LiveForwards {

    /**
     * One admitted stream.
     *
     * @param recordId its connection record
     * @param sessionId the client session whose certificate carried it
     * @param accountId the account of its user (the ticket's)
     * @param username its user (the ticket's)
     * @param deviceId its device
     * @param endedWhy why the portal cut it (for its record), or null while nobody did
     */
    record Forward(String recordId, String sessionId, String accountId, String username, String deviceId,
            String endedWhy) {

        Forward(String recordId, String sessionId, String accountId, String username, String deviceId) {
            this(recordId, sessionId, accountId, username, deviceId, null);
        }
    }

    private final Map<String, Forward> byTicket = new ConcurrentHashMap<>();

    void add(String ticketId, Forward forward) {
        byTicket.put(ticketId, forward);
    }

    Optional<Forward> remove(String ticketId) {
        return Optional.ofNullable(byTicket.remove(ticketId));
    }

    /** Notes why the portal cuts this stream, unless it noted a reason before (the first one stands). */
    void ending(String ticketId, String why) {
        byTicket.computeIfPresent(ticketId, (id, f) -> f.endedWhy() != null ? f
                : new Forward(f.recordId(), f.sessionId(), f.accountId(), f.username(), f.deviceId(), why));
    }

    /** Whether a stream of the session is live (such a session is in use, however long ago its last request). */
    boolean carries(String sessionId) {
        return byTicket.values().stream().anyMatch(f -> f.sessionId().equals(sessionId));
    }

    /** The session whose certificate carries this stream, if it is live. */
    Optional<String> sessionOf(String ticketId) {
        return Optional.ofNullable(byTicket.get(ticketId)).map(Forward::sessionId);
    }

    /** The live streams now, by ticket id (a copy). */
    Map<String, Forward> snapshot() {
        return Map.copyOf(byTicket);
    }

    /** Takes every live stream out (the relay stopped). */
    List<Forward> removeAll() {
        List<String> tickets = List.copyOf(byTicket.keySet());
        return tickets.stream().map(byTicket::remove).filter(f -> f != null).toList();
    }
}
