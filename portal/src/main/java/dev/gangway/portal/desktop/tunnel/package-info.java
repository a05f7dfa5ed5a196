/**
 * The portal side of the Guacamole WebSocket tunnel: the viewer page's controller, the WebSocket endpoint
 * {@code /desktop/tunnel} (handshake, UUID, ping, instructions to and from a
 * {@link dev.gangway.portal.desktop.DesktopSession}),
 * the choice of converter by configuration ({@code gangway.desktop.*}), the blocking
 * {@link dev.gangway.portal.desktop.TunnelStream} over a device stream, the connection report's records
 * ({@code desktop}) and the end of live sessions when access changes.
 */
package dev.gangway.portal.desktop.tunnel;
