/** Commissioning: the device's key and CSR, its serial, and the registration call to the portal. */
package dev.gangway.agent.register;
