/**
 * HMI sessions and the HMI proxy: each session gets its own origin ({@code <id>.<base-domain>}) on a Netty
 * listener that checks the session cookie and streams requests, responses and WebSockets to the device's web
 * server through a device stream.
 */
package dev.gangway.portal.hmiproxy;
