/**
 * On-demand devices (cellular, billed per megabyte): no tunnel and no keepalive while idle; a signed wake-up SMS (or a
 * queued alarm) makes the agent dial in, and it hangs up after its idle time. See docs/on-demand.md.
 */
package dev.gangway.agent.ondemand;
