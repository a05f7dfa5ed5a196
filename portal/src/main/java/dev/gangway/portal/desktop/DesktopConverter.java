package dev.gangway.portal.desktop;

/**
 * Turns a desktop service reached through the device tunnel into Guacamole instructions. Implementations: embedded
 * VNC (default), embedded RDP (xfreerdp into a private Xvnc, read by embedded VNC), guacd. Chosen per session by
 * the service's kind and the portal's configuration ({@code gangway.desktop.*}).
 */
public interface DesktopConverter {

    /** A short name for logs and docs: {@code embedded-vnc}, {@code embedded-rdp}, {@code guacd}. */
    String name();

    /** Whether this converter can show services of this kind ({@code vnc}, {@code rdp}). */
    boolean handles(String kind);

    /**
     * Why this converter cannot run here (e.g. "RDP needs FreeRDP's xfreerdp and TigerVNC's Xvnc on the portal
     * host; xfreerdp is not installed (apt install freerdp2-x11)"), or null when it can.
     */
    default String unavailableReason() {
        return null;
    }

    /** Makes a session; does no I/O (that happens in {@link DesktopSession#run}). */
    DesktopSession open(DesktopRequest request);
}
