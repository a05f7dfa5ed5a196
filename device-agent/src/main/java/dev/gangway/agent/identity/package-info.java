/** The device's identity on disk: its private key, certificate, the portal's CA and device.json, owner-only. */
package dev.gangway.agent.identity;
