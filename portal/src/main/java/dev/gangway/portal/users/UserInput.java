package dev.gangway.portal.users;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * Checks of what an administrator types for a user. Each check answers null or one sentence for the page, so a
 * form shows every problem at once and writes nothing until all are fixed. Lengths match the columns.
 */
final class UserInput {

    static final int USERNAME_MAX = 64;
    static final int EMAIL_MAX = 254;

    /**
     * ASCII letters, digits and {@code . - _ @}: no spaces, no look-alike letters from other scripts, nothing a page
     * or a log line could misread.
     */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]+");
    /**
     * The shape of an address, not the mailbox: a local part of the characters RFC 5322 allows unquoted (letters of
     * any script for internationalised addresses), {@code @}, a domain of at least two labels. No spaces, quotes,
     * angle brackets or line breaks, so the address cannot break a mail header or a page.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)+");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private UserInput() {
    }

    /** Blank and null become "", everything else loses surrounding white space. */
    static String clean(String typed) {
        return typed == null ? "" : typed.strip();
    }

    static String usernameError(String username) {
        if (username.isEmpty()) {
            return "Enter a user name.";
        }
        if (username.length() > USERNAME_MAX) {
            return "The user name is too long: at most " + USERNAME_MAX + " characters.";
        }
        if (!USERNAME.matcher(username).matches()) {
            return "A user name may hold only letters (a-z, A-Z), digits and . - _ @ (no spaces).";
        }
        return null;
    }

    static String emailError(String email) {
        if (email.isEmpty()) {
            return "Enter an e-mail address: the invitation is sent there.";
        }
        if (email.length() > EMAIL_MAX) {
            return "The e-mail address is too long: at most " + EMAIL_MAX + " characters.";
        }
        if (!EMAIL.matcher(email).matches()) {
            return "This is not an e-mail address: use the form name@example.com.";
        }
        return null;
    }

    /**
     * An expiry date typed as {@code yyyy-mm-dd} (what a date input sends): access ends at 00:00 UTC on that day.
     * Empty means no end (null).
     *
     * @throws IllegalArgumentException with the sentence for the page
     */
    static Instant expiry(String typed) {
        if (typed.isEmpty()) {
            return null;
        }
        if (!DATE.matcher(typed).matches()) {
            throw new IllegalArgumentException("Enter the date as yyyy-mm-dd, e.g. 2030-12-31.");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(typed);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("This date does not exist: enter it as yyyy-mm-dd, e.g. 2030-12-31.");
        }
        if (date.getYear() < 2000) {
            throw new IllegalArgumentException("Enter a date from the year 2000 on.");
        }
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The day an expiry instant falls on (UTC), as a date input shows it. */
    static String expiryDate(Instant expiresAt) {
        return expiresAt == null ? "" : expiresAt.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }
}
