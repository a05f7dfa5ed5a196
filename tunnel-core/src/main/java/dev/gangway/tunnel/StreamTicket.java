package dev.gangway.tunnel;

import java.time.Instant;
import java.util.Objects;

/**
 * What a short-lived signed ticket from the access server allows: one stream for one user, to one LAN target of
 * one device, until it expires; optionally only from a connection that presented one client certificate.
 *
 * @param ticketId unique id of this ticket (for the connection report); a relay opens at most one stream per id
 * @param account the user's account (tenant)
 * @param user the user's name
 * @param deviceId the device whose tunnel carries the stream
 * @param target the LAN target the agent is asked to connect to
 * @param expiresAt after this instant the relay refuses the ticket
 * @param holder the SHA-256 fingerprint ({@link Tickets#fingerprint}) of the client certificate the stream-client
 *     connection must present, or an empty string for an unbound ticket (the portal's in-process streams)
 */
public record StreamTicket(String ticketId, String account, String user, String deviceId, LanTarget target,
        Instant expiresAt, String holder) {

    public StreamTicket {
        Objects.requireNonNull(holder, "holder (empty for an unbound ticket)");
    }

    /** An unbound ticket (no client certificate named). */
    public StreamTicket(String ticketId, String account, String user, String deviceId, LanTarget target,
            Instant expiresAt) {
        this(ticketId, account, user, deviceId, target, expiresAt, "");
    }

    /** Whether the ticket names the client certificate that must carry it. */
    public boolean isBound() {
        return !holder.isEmpty();
    }
}
