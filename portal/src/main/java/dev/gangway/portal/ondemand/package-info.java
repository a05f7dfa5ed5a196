/**
 * On-demand devices (docs/on-demand.md): a user's Connect sends the device a signed wake-up SMS, the agent reports it
 * is dialling in, the tunnel comes up; each wake-up is recorded with its steps and how its tunnel ended (idle timeout,
 * sent offline), and a device can be sent offline at once.
 */
package dev.gangway.portal.ondemand;
