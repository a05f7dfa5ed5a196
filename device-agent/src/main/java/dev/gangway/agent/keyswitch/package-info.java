/** The site's key switch: reads its input, closes and reopens the tunnel, shows the tunnel's state, tells the portal. */
package dev.gangway.agent.keyswitch;
