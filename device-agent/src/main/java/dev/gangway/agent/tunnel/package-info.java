/** {@code run}: the device tunnel, the site's allowlist of LAN services, agent info and relay lookup. */
package dev.gangway.agent.tunnel;
