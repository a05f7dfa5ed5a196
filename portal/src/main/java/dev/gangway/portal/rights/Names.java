package dev.gangway.portal.rights;

/** Checks the names of groups and pools: what a person reads in a list, so short, printable and trimmed. */
final class Names {

    /** Longest name; matches the columns. */
    static final int MAX_LENGTH = 64;

    private Names() {
    }

    /** The stripped name, or {@link IllegalArgumentException} with the sentence to show next to the field. */
    static String check(String name, String what, String example) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("Enter a name for the " + what + ", e.g. \"" + example + "\".");
        }
        if (stripped.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("The name is longer than " + MAX_LENGTH
                    + " characters: shorten it.");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("The name contains control characters: use letters, digits and "
                    + "punctuation only.");
        }
        return stripped;
    }
}
