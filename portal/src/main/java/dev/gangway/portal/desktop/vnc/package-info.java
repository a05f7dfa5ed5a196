/**
 * The embedded VNC converter: the RFB client core's screen, cursor and clipboard as Guacamole instructions (PNG or
 * JPEG images of merged dirty regions, copies, cursor, sync), paced by the browser's sync replies, and the browser's
 * keys, mouse and clipboard back to the VNC server; see docs/desktop.md.
 */
package dev.gangway.portal.desktop.vnc;
