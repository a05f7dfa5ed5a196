package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import java.util.Locale;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

/**
 * The numeric settings of an account with their ranges. The form field's name is the {@link Account} property, its
 * id the property in kebab case ({@code passwordMinLength} → {@code #password-min-length}).
 */
enum SettingField {
    PASSWORD_MIN_LENGTH("passwordMinLength", "password", "Minimum password length", "characters", 8, 128,
            Account::getPasswordMinLength, Account::setPasswordMinLength),
    PASSWORD_MIN_CLASSES("passwordMinClasses", "password", "Character classes to mix",
            "of lower case, upper case, digits, other", 1, 4,
            Account::getPasswordMinClasses, Account::setPasswordMinClasses),
    PASSWORD_MAX_AGE_DAYS("passwordMaxAgeDays", "password", "Password expires after", "days (0: never)", 0, 3650,
            Account::getPasswordMaxAgeDays, Account::setPasswordMaxAgeDays),
    PASSWORD_HISTORY("passwordHistory", "password", "Previous passwords refused", "(0: none)", 0, 24,
            Account::getPasswordHistory, Account::setPasswordHistory),
    LOCKOUT_THRESHOLD("lockoutThreshold", "lockout", "Lock a user after", "failed sign-ins", 3, 100,
            Account::getLockoutThreshold, Account::setLockoutThreshold),
    LOCKOUT_MINUTES("lockoutMinutes", "lockout", "Lock for", "minutes", 1, 1440,
            Account::getLockoutMinutes, Account::setLockoutMinutes),
    SESSION_IDLE_MINUTES("sessionIdleMinutes", "session", "Sign out after inactivity of", "minutes", 5, 1440,
            Account::getSessionIdleMinutes, Account::setSessionIdleMinutes),
    SESSION_ABSOLUTE_HOURS("sessionAbsoluteHours", "session", "Sign out after a session of", "hours in all", 1, 168,
            Account::getSessionAbsoluteHours, Account::setSessionAbsoluteHours),
    REMEMBER_BROWSER_DAYS("rememberBrowserDays", "two-factor", "Remember a browser for", "days (0: never)", 0, 365,
            Account::getRememberBrowserDays, Account::setRememberBrowserDays);

    private final String property;
    private final String section;
    private final String label;
    private final String unit;
    private final int min;
    private final int max;
    private final ToIntFunction<Account> getter;
    private final ObjIntConsumer<Account> setter;

    SettingField(String property, String section, String label, String unit, int min, int max,
            ToIntFunction<Account> getter, ObjIntConsumer<Account> setter) {
        this.property = property;
        this.section = section;
        this.label = label;
        this.unit = unit;
        this.min = min;
        this.max = max;
        this.getter = getter;
        this.setter = setter;
    }

    String property() {
        return property;
    }

    /** The element id: the property in kebab case. */
    String id() {
        return kebab(property);
    }

    String section() {
        return section;
    }

    String label() {
        return label;
    }

    String unit() {
        return unit;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    int get(Account account) {
        return getter.applyAsInt(account);
    }

    void set(Account account, int value) {
        setter.accept(account, value);
    }

    /**
     * The typed value as a number in range.
     *
     * @throws IllegalArgumentException with the sentence shown next to the field
     */
    int parse(String typed) {
        String value = typed == null ? "" : typed.strip();
        String range = "from " + min + " to " + max;
        if (value.isEmpty()) {
            throw new IllegalArgumentException(label + ": enter a number " + range + ".");
        }
        if (!value.matches("\\d{1,9}")) {
            throw new IllegalArgumentException(label + ": enter a whole number (digits only) " + range + ".");
        }
        int number = Integer.parseInt(value);
        if (number < min || number > max) {
            throw new IllegalArgumentException(label + ": " + number + " is out of range, enter a number " + range
                    + ".");
        }
        return number;
    }

    static String kebab(String property) {
        return property.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
