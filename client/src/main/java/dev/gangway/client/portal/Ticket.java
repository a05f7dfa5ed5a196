package dev.gangway.client.portal;

import java.time.Instant;

/**
 * A stream ticket from {@code POST /tickets}: valid for one stream, about a minute, and only on a relay connection
 * made with the certificate it was bound to. The token is a secret: {@link #toString()} hides it.
 *
 * @param token     the signed ticket, sent to the relay as {@code gangway-ticket}
 * @param expiresAt when it expires
 */
public record Ticket(String token, Instant expiresAt) {

    @Override
    public String toString() {
        return "ticket (hidden) until " + expiresAt;
    }
}
