package dev.gangway.agent.sms;

import java.time.Instant;
import java.util.Objects;

/**
 * One text message taken from the SMS inbox. Nothing in it is trusted: the sender number is what the modem reported
 * (it can be forged), and the text must authenticate itself (a signature, a one-time key) before anything acts on it.
 *
 * @param sender the sender's number as gammu-smsd wrote it into the file name, e.g. {@code +41790000000}
 * @param receivedAt when the message was received (the time in the file name, read in the system's time zone)
 * @param text the message text, decoded (UTF-16 with a byte order mark, or UTF-8)
 * @param fileName the inbox file it came from (already removed)
 */
public record SmsMessage(String sender, Instant receivedAt, String text, String fileName) {

    public SmsMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fileName, "fileName");
    }
}
