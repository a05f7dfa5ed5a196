package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.Passwords;
import java.time.Instant;
import java.util.List;

/**
 * A user as the users pages show it.
 *
 * @param state {@code disabled}, {@code expired}, {@code locked} (failed sign-ins), {@code invited} (no password
 *     yet: new, or after a password reset) or {@code active}, the first that applies
 * @param twoFactor whether an authenticator app is enrolled
 * @param twoFactorRequired whether the user or the whole account must sign in with a second factor
 * @param expiresOn the day access ends (00:00 UTC), or empty
 * @param phoneNumber for alarm SMS, international form, or empty
 */
record UserRow(String id, String username, String email, String phoneNumber, boolean admin, String state,
        boolean enabled, boolean locked, boolean twoFactor, boolean requireTwoFactor, boolean twoFactorRequired,
        String expiresOn, List<String> groups) {

    static UserRow of(AppUser user, Account account, List<String> groups, Instant now) {
        return new UserRow(user.getId(), user.getUsername(), user.getEmail() == null ? "" : user.getEmail(),
                user.getPhoneNumber() == null ? "" : user.getPhoneNumber(), user.isAccountAdmin(), state(user, now),
                user.isEnabled(), user.isLockedAt(now), user.hasTotp(),
                user.isRequireTwoFactor(), user.isRequireTwoFactor() || account.isRequireTwoFactor(),
                UserInput.expiryDate(user.getExpiresAt()), List.copyOf(groups));
    }

    static String state(AppUser user, Instant now) {
        if (!user.isEnabled()) {
            return "disabled";
        }
        if (user.isExpiredAt(now)) {
            return "expired";
        }
        if (user.isLockedAt(now)) {
            return "locked";
        }
        if (Passwords.NO_PASSWORD.equals(user.getPasswordHash())) {
            return "invited";
        }
        return "active";
    }
}
