package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.portal.report.ConnectionReport;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The HMI proxy's beans: the session registry (also the {@link HmiSessions} others use), which records its sessions
 * in the connection report, and the listener.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HmiProxySettings.class)
class HmiProxyConfiguration {

    /** Records its sessions in the connection report when the report is there (not in the proxy-only tests). */
    @Bean
    HmiSessionRegistry hmiSessionRegistry(HmiProxySettings settings, ObjectProvider<ConnectionReport> report) {
        ConnectionReport connections = report.getIfAvailable();
        SessionRecorder recorder = connections == null ? SessionRecorder.NONE : new ReportingRecorder(connections);
        return new HmiSessionRegistry(settings, Clock.systemUTC(), recorder);
    }

    @Bean
    HmiProxyServer hmiProxyServer(HmiSessionRegistry hmiSessionRegistry, DeviceStreams deviceStreams) {
        return new HmiProxyServer(hmiSessionRegistry, deviceStreams);
    }
}
