package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sign-in's filter, as a bean the system's security configuration puts into the one filter chain (by the name
 * {@code signInGuard}: the system package does not depend on this one). It must not also run as a plain servlet
 * filter, outside the chain, where no sign-in is loaded yet.
 */
@Configuration(proxyBeanMethods = false)
class SignInConfiguration {

    @Bean
    SignInGuard signInGuard(AppUserRepository users, AuditLog audit, ApplicationEventPublisher events,
            TransactionTemplate transactions, SignInSettings settings, Clock clock) {
        return new SignInGuard(users, audit, events, transactions, settings, clock);
    }

    @Bean
    FilterRegistrationBean<SignInGuard> signInGuardOnlyInTheSecurityChain(SignInGuard guard) {
        FilterRegistrationBean<SignInGuard> registration = new FilterRegistrationBean<>(guard);
        registration.setEnabled(false);
        return registration;
    }
}
