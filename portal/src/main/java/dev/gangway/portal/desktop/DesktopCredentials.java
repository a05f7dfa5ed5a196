package dev.gangway.portal.desktop;

/**
 * Credentials stored for a desktop service (portal side, encrypted at rest) or typed by the user. Any part may be
 * null: a VNC server needs only the password; RDP needs a user name and usually a password and a domain. A missing
 * password that the server asks for is asked from the user with the Guacamole {@code required} instruction.
 *
 * @param username RDP user name, or null
 * @param password the password, or null; never logged, and not shown in {@link #toString()}
 * @param domain RDP domain, or null
 */
public record DesktopCredentials(String username, String password, String domain) {

    public static final DesktopCredentials NONE = new DesktopCredentials(null, null, null);

    @Override
    public String toString() {
        return "DesktopCredentials[username=" + username + ", password=" + (password == null ? "none" : "(set)")
                + ", domain=" + domain + "]";
    }
}
