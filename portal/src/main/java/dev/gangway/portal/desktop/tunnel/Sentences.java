package dev.gangway.portal.desktop.tunnel;

/** What the tunnel tells users, in words (the browser shows it as the session's end; the report records it). */
final class Sentences {

    static final String RIGHT_REMOVED = "your right to use this desktop was removed";
    static final String CONTROL_REMOVED = "your right to control this desktop was removed; open it again to watch it";
    static final String NO_RIGHT = "you may not use the remote desktops of this device (it needs the right \"Remote"
            + " desktop: view only\" or \"Remote desktop: control\")";
    static final String NOT_FOUND = "this desktop does not exist, or the device is not in your account";
    static final String REVOKED = "the device's certificate was revoked";
    static final String SIGNED_OUT = "you signed out of the portal";
    static final String PORTAL_SESSION_ENDED = "your portal session ended; sign in again";
    static final String PORTAL_STOPPING = "the portal is restarting; open the desktop again in a moment";
    static final String NOT_RECORDED = "the connection could not be recorded in the connection report, so it was not"
            + " opened; try again later";
    static final String INVALID_INSTRUCTION = "the browser sent something the portal could not read";

    private Sentences() {
    }

    static String accessEnded(String reason) {
        return "your access to the portal ended (" + reason + ")";
    }
}
