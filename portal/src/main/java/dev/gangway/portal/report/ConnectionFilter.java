package dev.gangway.portal.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The connection report's filter: user and device (a part of the name, as recorded or as it is now), and a range
 * of whole UTC days. A connection is in the range when it was open at any moment of it: started before the end of
 * the last day, and still open or ended after the start of the first.
 *
 * @param user part of the user's name, or null
 * @param device part of the device's name, or null
 * @param from first day, or null
 * @param to last day (inclusive), or null
 */
record ConnectionFilter(String user, String device, LocalDate from, LocalDate to) {

    static final int USER_LENGTH = 64;
    static final int DEVICE_LENGTH = 100;
    static final ConnectionFilter NONE = new ConnectionFilter(null, null, null, null);

    /** The filter and the problems of the input, field by field (no filter when there are problems). */
    record Parsed(ConnectionFilter filter, Map<String, String> errors) {
    }

    static Parsed parse(String user, String device, String from, String to) {
        FilterInput input = new FilterInput();
        String u = input.text("user", "User", user, USER_LENGTH);
        String d = input.text("device", "Device", device, DEVICE_LENGTH);
        LocalDate f = input.date("from", "From", from);
        LocalDate t = input.date("to", "To", to);
        input.range("to", f, t);
        return new Parsed(input.hasErrors() ? null : new ConnectionFilter(u, d, f, t), input.errors());
    }

    /** Start of the first day, or null. */
    Instant fromInstant() {
        return from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Start of the day after the last, or null. */
    Instant toExclusive() {
        return to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
