/**
 * Embedded RDP: xfreerdp rendering an RDP service, reached through a one-shot splice into the device tunnel, into a
 * private Xvnc per session that the embedded VNC converter shows; and the one-shot splice itself, which the guacd
 * converter uses too. See docs/desktop.md.
 */
package dev.gangway.portal.desktop.rdp;
