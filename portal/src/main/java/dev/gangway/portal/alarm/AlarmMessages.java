package dev.gangway.portal.alarm;

import dev.gangway.portal.rights.Right;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The words of an alarm's mail and SMS. Everything but the device's and account's names came from the device and
 * through it from any machine on its LAN: it goes into plain text only, one-line fields stay one line, and the
 * mail says where it came from.
 */
final class AlarmMessages {

    /** An SMS of at most this many characters (two concatenated SMS of 160 GSM characters, with room to spare). */
    static final int SMS_MAX = 300;
    private static final int SUBJECT_MAX = 250;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AlarmMessages() {
    }

    static String mailSubject(StoredAlarm alarm) {
        return cut(oneLine("Alarm from " + alarm.deviceName() + ": " + subjectOf(alarm)), SUBJECT_MAX);
    }

    static String mailBody(StoredAlarm alarm, Optional<URI> portal) {
        StringBuilder body = new StringBuilder();
        body.append("Alarm from the device ").append(oneLine(alarm.deviceName())).append(" (account ")
                .append(oneLine(alarm.accountName())).append(").\n\n");
        body.append(subjectOf(alarm)).append("\n\n");
        if (!alarm.text().isBlank()) {
            body.append(alarm.text().strip()).append("\n\n");
        }
        body.append("Raised at:   ").append(time(alarm.raisedAt())).append(" (the device's clock)\n");
        body.append("Received at: ").append(time(alarm.receivedAt())).append('\n');
        body.append("Sent to the device ").append(how(alarm)).append('\n');
        portal.ifPresent(uri -> body.append("Device page: ").append(uri).append("/devices/").append(alarm.deviceId())
                .append('\n'));
        body.append("\nYou get this mail because you hold the right \"").append(Right.SEND_ALARMS.label())
                .append("\" on this device. The alarm's words are the sending machine's, not Gangway's.\n");
        return body.toString();
    }

    static String sms(StoredAlarm alarm) {
        String text = oneLine(alarm.deviceName()) + ": " + subjectOf(alarm);
        if (!alarm.text().isBlank()) {
            text += " - " + alarm.text().strip().replaceAll("\\s+", " ");
        }
        return cut(text, SMS_MAX);
    }

    /** For the audit log: which alarm. */
    static String describe(StoredAlarm alarm) {
        return "alarm \"" + cut(subjectOf(alarm), 80) + "\" (" + alarm.agentAlarmId() + ")";
    }

    private static String subjectOf(StoredAlarm alarm) {
        return alarm.subject().isBlank() ? "(no subject)" : oneLine(alarm.subject()).strip();
    }

    private static String how(StoredAlarm alarm) {
        String from = alarm.sender().isBlank() ? "" : " from " + oneLine(alarm.sender());
        return switch (alarm.source()) {
            case "smtp" -> "by mail" + from;
            case "http" -> "through its local HTTP API" + from;
            default -> "by " + oneLine(alarm.source()) + from;
        };
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }

    private static String oneLine(String value) {
        return value.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", " ");
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }
}
