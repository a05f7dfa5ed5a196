package dev.gangway.tunnel;

import java.time.Instant;
import java.util.Objects;

/**
 * One alarm a device agent took in (a mail from a LAN device, a call to its local HTTP API) and forwards through its
 * tunnel to the access server; see {@link TunnelListener#alarmsReceived}.
 *
 * <p>Immutable. The compact constructor checks the limits that hold on the wire, so an {@code Alarm} is always one
 * the protocol can carry.
 *
 * @param id the alarm's UUID, made by the agent at intake (the access server de-duplicates by device and this id)
 * @param sequence agent-local, strictly increasing, survives agent restarts; the relay acknowledges by sequence
 * @param raisedAt when the agent took the alarm in (its clock)
 * @param source how it came in: {@link #SOURCE_SMTP} or {@link #SOURCE_HTTP}
 * @param from the sender's address, or the HTTP client's address; may be empty
 * @param subject at most {@value #MAX_SUBJECT} characters; may be empty
 * @param text at most {@value #MAX_TEXT} characters; may be empty
 */
public record Alarm(String id, long sequence, Instant raisedAt, String source, String from, String subject,
        String text) {

    public static final String SOURCE_SMTP = "smtp";
    public static final String SOURCE_HTTP = "http";
    public static final int MAX_ID = 64;
    public static final int MAX_SOURCE = 16;
    public static final int MAX_FROM = 320;
    public static final int MAX_SUBJECT = 200;
    public static final int MAX_TEXT = 8000;

    public Alarm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(raisedAt, "raisedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        if (id.isEmpty() || id.length() > MAX_ID) {
            throw new IllegalArgumentException("alarm id must be 1-" + MAX_ID + " characters");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("alarm sequence must be positive, was " + sequence);
        }
        if (source.isEmpty() || source.length() > MAX_SOURCE) {
            throw new IllegalArgumentException("alarm source must be 1-" + MAX_SOURCE + " characters");
        }
        if (from.length() > MAX_FROM) {
            throw new IllegalArgumentException("alarm sender longer than " + MAX_FROM + " characters");
        }
        if (subject.length() > MAX_SUBJECT) {
            throw new IllegalArgumentException("alarm subject longer than " + MAX_SUBJECT + " characters");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("alarm text longer than " + MAX_TEXT + " characters");
        }
    }
}
