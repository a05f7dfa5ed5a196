package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.account.AccountRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GANGWAY_TRUSTED_PROXIES} replaces the trusted proxies: with only another host's proxy listed, a request from
 * loopback (trusted by Tomcat's own default and by the portal's) cannot claim another client address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.forward-headers-strategy=native", "GANGWAY_TRUSTED_PROXIES=192\\.0\\.2\\.250"})
class TrustedProxiesTest extends PortalTestSupport {

    @LocalServerPort
    int port;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AuditEventRepository auditEvents;

    @Test
    void onlyTheListedProxiesMayForwardTheClientAddress() throws Exception {
        ProductionSettingsTest.failedSignIn("127.0.0.1", port, "203.0.113.79", "nobody-unlisted");

        assertThat(ProductionSettingsTest.signInRefusals(accounts, auditEvents, "nobody-unlisted")).singleElement()
                .extracting(AuditEvent::getAddress).isEqualTo("127.0.0.1");
    }
}
