/**
 * The device's SMS inbox: messages read from the spool directory of gammu-smsd's files backend (activation keys for
 * registration by SMS, wake-up messages for on-demand devices).
 */
package dev.gangway.agent.sms;
