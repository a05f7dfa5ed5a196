package dev.gangway.portal.sms;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway while none is configured: sends nothing, logs the recipient and the length of each SMS and answers
 * "not sent". It never logs the text: SMS will also carry activation keys, and secrets are never logged.
 */
final class LogOnlySmsGateway implements SmsGateway {

    static final String NOT_SENT = "not sent: no SMS gateway is configured (set gangway.sms.http.url)";

    private static final Logger log = LoggerFactory.getLogger(LogOnlySmsGateway.class);

    @Override
    public SmsResult send(String to, String text) {
        log.info("SMS not sent (no SMS gateway configured, set gangway.sms.http.url): to {}, {} characters", to,
                text.length());
        return SmsResult.failed(NOT_SENT);
    }
}
