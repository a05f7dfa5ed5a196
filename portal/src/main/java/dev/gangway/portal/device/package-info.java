/**
 * Devices: the registry, one-time activation keys, registration of a device agent (CSR in, certificate out), live
 * tunnel status with its server-sent events, the agent's services, the demo machine and the device pages.
 */
package dev.gangway.portal.device;
