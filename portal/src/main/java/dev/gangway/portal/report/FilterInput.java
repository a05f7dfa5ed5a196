package dev.gangway.portal.report;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the filter fields of the report pages. Every problem becomes a sentence for its field (shown next to it);
 * a filter with problems runs no query. Dates are whole days in UTC, typed as {@code yyyy-mm-dd} (what a date input
 * sends).
 */
final class FilterInput {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Map<String, String> errors = new LinkedHashMap<>();

    /** Trimmed text, null when empty; at most {@code max} characters. */
    String text(String field, String label, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            errors.put(field, label + " can be at most " + max + " characters long.");
            return null;
        }
        return trimmed;
    }

    /** A day, null when empty. */
    LocalDate date(String field, String label, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() <= 10 && DATE.matcher(trimmed).matches()) {
            try {
                LocalDate date = LocalDate.parse(trimmed);
                if (date.getYear() >= 1970) {
                    return date;
                }
            } catch (DateTimeParseException e) {
                // the sentence below says what is expected
            }
        }
        errors.put(field, label + " must be a date like 2026-03-31.");
        return null;
    }

    /** Complains on {@code toField} when the range ends before it starts. */
    void range(String toField, LocalDate from, LocalDate to) {
        if (from != null && to != null && to.isBefore(from)) {
            errors.put(toField, "The end date " + to + " is before the start date " + from + ".");
        }
    }

    /** A page number from 1, 1 when empty. */
    int page(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        String trimmed = value.strip();
        if (trimmed.length() <= 6 && trimmed.chars().allMatch(Character::isDigit)) {
            int page = Integer.parseInt(trimmed);
            if (page >= 1 && page <= max) {
                return page;
            }
        }
        errors.put(field, "The page must be a number from 1 to " + max + ".");
        return 1;
    }

    Map<String, String> errors() {
        return errors;
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** A LIKE pattern (escape character {@code \}) matching values that contain {@code text}, case-insensitively. */
    static String contains(String text) {
        return "%" + escaped(text) + "%";
    }

    /** A LIKE pattern (escape character {@code \}) matching values that start with {@code text}, case-insensitively. */
    static String startsWith(String text) {
        return escaped(text) + "%";
    }

    private static String escaped(String text) {
        return text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
