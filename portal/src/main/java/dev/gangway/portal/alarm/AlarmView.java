package dev.gangway.portal.alarm;

import java.time.Instant;

/**
 * One alarm as the device page lists it. Every string came from a device (and through it from any machine on its
 * LAN): show it escaped.
 *
 * @param raisedAt when the agent took it in, by the agent's clock
 * @param receivedAt when the portal stored it
 * @param source {@code smtp} (a mail) or {@code http} (the agent's local API)
 * @param sender the mail's sender or the HTTP client's address; may be empty
 */
public record AlarmView(Instant raisedAt, Instant receivedAt, String source, String sender, String subject,
        String text) {
}
