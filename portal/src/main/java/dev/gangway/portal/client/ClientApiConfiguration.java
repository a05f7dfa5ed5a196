package dev.gangway.portal.client;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The client API's filter, as a bean the system's security configuration puts into the client API's filter chain
 * (by the name {@code clientTokenFilter}: the system package does not depend on this one). It must not also run as
 * a plain servlet filter on every request.
 */
@Configuration(proxyBeanMethods = false)
class ClientApiConfiguration {

    @Bean
    ClientTokenFilter clientTokenFilter(ClientSessions sessions, ClientErrors errors) {
        return new ClientTokenFilter(sessions, errors);
    }

    @Bean
    FilterRegistrationBean<ClientTokenFilter> clientTokenFilterOnlyInTheSecurityChain(ClientTokenFilter filter) {
        FilterRegistrationBean<ClientTokenFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }
}
