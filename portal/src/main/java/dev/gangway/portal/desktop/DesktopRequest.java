package dev.gangway.portal.desktop;

import java.util.Objects;

/**
 * What a converter needs to open one desktop session: the LAN service, the mode, the browser's screen and the way
 * to the service. The caller (the WebSocket tunnel) checked the user's right before making it.
 *
 * @param sessionId the tunnel UUID the browser got first; used in thread and process names and logs
 * @param deviceId the device whose service this is (sessions of one device's service may be joined: RDP viewers)
 * @param kind {@code vnc} or {@code rdp}
 * @param serviceName the device's service name, for messages ({@code panel})
 * @param lanAddress {@code host:port} of the service on the device's LAN, for messages only
 * @param viewOnly true when the user holds only "View remote desktops": no key, mouse, clipboard or resize reaches
 *     the service
 * @param credentials stored credentials, or {@link DesktopCredentials#NONE}
 * @param width the browser's optimal width in pixels (from the connect data; 1024 when unknown)
 * @param height the browser's optimal height in pixels (768 when unknown)
 * @param dpi the browser's resolution (96 when unknown)
 * @param opener opens the byte stream to the service through the device tunnel
 */
public record DesktopRequest(String sessionId, String deviceId, String kind, String serviceName, String lanAddress,
        boolean viewOnly,
        DesktopCredentials credentials, int width, int height, int dpi, TunnelStreamOpener opener) {

    public DesktopRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(opener, "opener");
    }
}
