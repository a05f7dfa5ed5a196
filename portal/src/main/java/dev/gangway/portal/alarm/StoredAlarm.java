package dev.gangway.portal.alarm;

import java.time.Instant;

/**
 * An alarm as the {@code alarm} table holds it, with its device's name and account (for the messages).
 *
 * @param id the portal's id of the row
 * @param agentAlarmId the agent's id of the alarm (unique per device)
 * @param raisedAt when the agent took it in, by the agent's clock
 * @param source {@code smtp} or {@code http}
 * @param sender the mail's sender or the HTTP client's address; may be empty
 */
record StoredAlarm(String id, String deviceId, String deviceName, String accountId, String accountName,
        String agentAlarmId, long sequence, Instant raisedAt, Instant receivedAt, String source, String sender,
        String subject, String text) {
}
