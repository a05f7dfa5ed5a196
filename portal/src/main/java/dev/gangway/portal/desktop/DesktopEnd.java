package dev.gangway.portal.desktop;

import java.util.Objects;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * How a desktop session ended, for the browser (the Guacamole {@code error} instruction's status and text, shown in
 * the page) and for the connection report's end reason.
 *
 * @param status the Guacamole status; {@link GuacamoleStatus#SUCCESS} for a normal end
 * @param message a sentence for the user, e.g. "wrong VNC password", "the VNC server closed the connection"
 */
public record DesktopEnd(GuacamoleStatus status, String message) {

    public DesktopEnd {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    /** The browser closed the tab or disconnected. */
    public static DesktopEnd closedByUser() {
        return new DesktopEnd(GuacamoleStatus.SUCCESS, "closed by the user");
    }
}
