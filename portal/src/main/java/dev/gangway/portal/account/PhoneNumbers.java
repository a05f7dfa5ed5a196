package dev.gangway.portal.account;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users' phone numbers (for alarm SMS) in the international form E.164 describes: {@code +}, the country code and
 * the number, 8 to 15 digits in all ({@code +491701234567}). Typed numbers may hold spaces, dashes, dots and
 * parentheses, and may start with {@code 00} instead of {@code +}; they are stored without them.
 */
public final class PhoneNumbers {

    /** {@code +} and at most 15 digits. */
    public static final int MAX_LENGTH = 16;

    /** What the page says when a number is not accepted. */
    public static final String HELP = "Enter the phone number in international form: + and the country code, then "
            + "the number, e.g. +49 170 1234567 (8 to 15 digits; spaces and dashes are fine).";

    private static final Pattern NORMALISED = Pattern.compile("\\+[1-9][0-9]{7,14}");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.()\\-/]");

    private PhoneNumbers() {
    }

    /**
     * The number as stored, or empty for a blank input (no phone number).
     *
     * @throws IllegalArgumentException with {@link #HELP}, or a more precise sentence, when it is not a number in
     *     international form
     */
    public static Optional<String> normalise(String typed) {
        if (typed == null || typed.isBlank()) {
            return Optional.empty();
        }
        if (typed.length() > 40) {
            throw new IllegalArgumentException("The phone number is too long. " + HELP);
        }
        String compact = SEPARATORS.matcher(typed.strip()).replaceAll("");
        if (compact.startsWith("00")) {
            compact = "+" + compact.substring(2);
        }
        if (!compact.startsWith("+")) {
            throw new IllegalArgumentException("The phone number needs its country code: start it with + (or 00). "
                    + HELP);
        }
        if (!NORMALISED.matcher(compact).matches()) {
            throw new IllegalArgumentException(HELP);
        }
        return Optional.of(compact);
    }

    /** Whether a value is a stored-form number ({@code +} and 8 to 15 digits, not starting with 0). */
    public static boolean isNormalised(String value) {
        return value != null && NORMALISED.matcher(value).matches();
    }
}
