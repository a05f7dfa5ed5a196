/**
 * {@code gangway connect}: a short-lived client certificate, one relay connection, local listeners and a SOCKS5
 * proxy whose every connection becomes a ticketed stream to the device's LAN.
 */
package dev.gangway.client.connect;
