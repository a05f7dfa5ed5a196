package dev.gangway.portal.sms;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the SMS gateway: the HTTP provider when {@code gangway.sms.http.url} is set, else log-only. Another
 * {@link SmsGateway} bean (a test's, a future provider's) replaces both.
 */
@Configuration(proxyBeanMethods = false)
class SmsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SmsConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(SmsGateway.class)
    SmsGateway smsGateway(SmsSettings settings) {
        if (settings.http().configured()) {
            log.info("SMS gateway: {}", settings.http());
            return new HttpSmsGateway(settings.http());
        }
        log.info("SMS gateway: none configured (gangway.sms.http.url): SMS are not sent, only logged");
        return new LogOnlySmsGateway();
    }
}
