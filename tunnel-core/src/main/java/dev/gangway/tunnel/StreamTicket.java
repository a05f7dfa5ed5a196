package dev.gangway.tunnel;

import java.time.Instant;

/**
 * What a short-lived signed ticket from the access server allows: one user, one device, one LAN target,
 * until it expires.
 *
 * @param ticketId unique id of this ticket (for the connection report)
 * @param account the user's account (tenant)
 * @param user the user's name
 * @param deviceId the device whose tunnel carries the stream
 * @param target the LAN target the agent is asked to connect to
 * @param expiresAt after this instant the relay refuses the ticket
 */
public record StreamTicket(String ticketId, String account, String user, String deviceId, LanTarget target,
        Instant expiresAt) {
}
