package dev.gangway.portal.desktop.rfb;

/**
 * Gives the VNC password when, and only when, the server asks for one (security type VNC Authentication), so a
 * caller can ask the user lazily. The returned array is wiped by the client after use.
 */
@FunctionalInterface
public interface PasswordSource {

    /** A source for servers that need no password: asking it fails the handshake with a clear message. */
    PasswordSource NONE = () -> null;

    /** The password, or null when there is none; only its first 8 bytes (UTF-8) count, as in every VNC server. */
    char[] password();

    /** A source returning a copy of {@code password} each time it is asked. */
    static PasswordSource of(String password) {
        return password == null ? NONE : password::toCharArray;
    }
}
