package dev.gangway.client.portal;

import java.util.Objects;

/**
 * A signed-in session of the portal's client API: what {@code login} saves in the session file.
 *
 * @param portal    the portal's address (as given to {@code --portal}, without a trailing slash)
 * @param token     the bearer token; a secret: never printed or logged ({@link #toString()} hides it)
 * @param account   the account signed in to
 * @param user      the user signed in
 * @param expiresAt when the portal ends the session at the latest (ISO-8601, as the portal sent it)
 * @param portalCa  the {@code --portal-ca} file given at login (absolute path), or null
 */
public record Session(String portal, String token, String account, String user, String expiresAt, String portalCa) {

    public Session {
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(user, "user");
    }

    /** The same session, remembering the CA file used for an https portal. */
    public Session withPortalCa(String path) {
        return new Session(portal, token, account, user, expiresAt, path);
    }

    /** The command that signs in again as this user. */
    public String loginCommand() {
        return "gangway login --portal " + portal + " --account " + account + " --user " + user;
    }

    @Override
    public String toString() {
        return "session of " + user + " in " + account + " at " + portal + " (token hidden)";
    }
}
