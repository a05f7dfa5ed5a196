package dev.gangway.portal.desktop.rfb;

/**
 * The VNC server did not let us in: wrong VNC password, no password at hand, or the server's own refusal (for
 * instance too many failed attempts). A caller may ask the user for the password and try again.
 */
public class RfbAuthenticationException extends RfbProtocolException {

    private static final long serialVersionUID = 1L;

    public RfbAuthenticationException(String message) {
        super(message);
    }
}
