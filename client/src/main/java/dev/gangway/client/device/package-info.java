/**
 * Devices as the signed-in user sees them: listing, their services, waking an on-demand one up or sending it
 * offline, finding one by id or name.
 */
package dev.gangway.client.device;
