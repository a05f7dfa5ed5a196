/** Alarms from the site's LAN (mail to the SMTP listener, the local HTTP API): a queue on disk the tunnel drains. */
package dev.gangway.agent.alarms;
