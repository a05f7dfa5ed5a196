/**
 * The relay embedded in the portal's JVM: started with a server certificate from the portal's CA, it accepts device
 * tunnels whose certificate is known and not revoked, reports tunnels to the device registry, drops tunnels whose
 * certificate is revoked, and opens ticketed streams for signed-in users ({@link dev.gangway.portal.relay.DeviceStreams}).
 */
package dev.gangway.portal.relay;
