/** Wiring of the desktop converters (embedded VNC, embedded RDP, guacd) as beans the desktop tunnel chooses from. */
package dev.gangway.portal.desktop.converters;
