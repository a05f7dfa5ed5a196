package dev.gangway.portal.rights;

/**
 * Which admin sections the layout links to for the signed-in user ({@code nav} in every page's model).
 *
 * @param admin an account admin: pools, rights, connections, audit log, settings
 * @param manageUsers admin or "manage users" on some pool: users and groups
 */
public record Nav(boolean admin, boolean manageUsers) {

    /** No admin section (signed out, or a plain user). */
    public static final Nav NONE = new Nav(false, false);

    /** For the templates' {@code nav.admin}. */
    public boolean isAdmin() {
        return admin;
    }

    /** For the templates' {@code nav.manageUsers}. */
    public boolean isManageUsers() {
        return manageUsers;
    }
}
