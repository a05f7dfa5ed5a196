/**
 * Sending SMS through a pluggable gateway: a generic HTTP provider configured with {@code gangway.sms.http.*}, or,
 * without one, a log-only stand-in that sends nothing; {@link dev.gangway.portal.sms.SmsSender} audits every result.
 * Used by alarms now, later by activation keys and wake-up SMS.
 */
package dev.gangway.portal.sms;
