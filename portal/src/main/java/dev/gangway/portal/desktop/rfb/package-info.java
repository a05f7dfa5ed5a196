/**
 * A self-written RFB (VNC) client core: handshake (RFB 3.3, 3.7, 3.8; security None and VNC password), the
 * framebuffer and its decoders (Raw, CopyRect, ZRLE, Tight, Cursor, DesktopSize), and the input messages, for the
 * embedded remote-desktop converter. Depends on nothing else in the portal; see docs/desktop.md.
 */
package dev.gangway.portal.desktop.rfb;
