/**
 * Alarms from device agents: stored once per (device, agent alarm id) when the relay hands them over, then sent by
 * e-mail and SMS to the users holding "Send alarms by mail/SMS" on the device, every result audited; the device page
 * lists the last ones. See docs/alarms.md.
 */
package dev.gangway.portal.alarm;
