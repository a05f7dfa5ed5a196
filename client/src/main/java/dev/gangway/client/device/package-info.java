/** Devices as the signed-in user sees them: listing, their services, waking one up, finding one by id or name. */
package dev.gangway.client.device;
