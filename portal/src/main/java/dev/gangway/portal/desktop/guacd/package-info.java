/**
 * The guacd converter: VNC and RDP through Apache guacd, reached by a one-shot splice into the device tunnel, with
 * the Guacamole handshake and relaying done here. See docs/desktop.md.
 */
package dev.gangway.portal.desktop.guacd;
