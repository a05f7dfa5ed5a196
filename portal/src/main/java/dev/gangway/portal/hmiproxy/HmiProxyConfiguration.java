package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.relay.DeviceStreams;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HMI proxy's beans: the session registry (also the {@link HmiSessions} others use) and the listener. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HmiProxySettings.class)
class HmiProxyConfiguration {

    @Bean
    HmiSessionRegistry hmiSessionRegistry(HmiProxySettings settings) {
        return new HmiSessionRegistry(settings, Clock.systemUTC());
    }

    @Bean
    HmiProxyServer hmiProxyServer(HmiSessionRegistry hmiSessionRegistry, DeviceStreams deviceStreams) {
        return new HmiProxyServer(hmiSessionRegistry, deviceStreams);
    }
}
