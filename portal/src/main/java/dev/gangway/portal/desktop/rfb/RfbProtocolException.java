package dev.gangway.portal.desktop.rfb;

import java.io.IOException;

/**
 * The VNC server broke the RFB protocol, refused us, or sent something beyond this client's limits. The message is
 * a plain sentence meant for the user ("the VNC server offers no security type we support: ..."); it never holds a
 * password.
 */
public class RfbProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public RfbProtocolException(String message) {
        super(message);
    }

    public RfbProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
