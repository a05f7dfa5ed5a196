/**
 * Registration without a command line: {@code run} waits for an Easy Setup file (USB stick, SD card) or an activation
 * SMS, verifies it and registers the device by itself.
 */
package dev.gangway.agent.setup;
