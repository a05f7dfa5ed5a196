package dev.gangway.portal.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the report writes durations, byte counts and instants for people (the CSV has the raw values). */
final class Durations {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};

    private Durations() {
    }

    /** {@code h:mm:ss}, hours unbounded; a negative duration (clock moved back) shows as 0:00:00. */
    static String clock(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** Decimal units, one decimal from kB on: {@code 950 bytes}, {@code 1.5 kB}, {@code 52.4 MB}. */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        double value = bytes;
        int unit = 0;
        while (value >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** The exact count with thousands separators, for the title attribute: {@code 52,428,800 bytes}. */
    static String exactBytes(long bytes) {
        return String.format(Locale.ROOT, "%,d bytes", bytes);
    }

    /** {@code 2026-01-05 08:00:00} (UTC; the pages say so in the column heading). */
    static String instant(Instant instant) {
        return SHOWN.format(instant);
    }
}
