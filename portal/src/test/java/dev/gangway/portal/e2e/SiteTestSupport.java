package dev.gangway.portal.e2e;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the end-to-end tests that need a site: a {@link NetworkLab} (the machine's LAN, reached only by the
 * agent), the agent jar, Chromium, and the portal in this JVM with its relay and HMI proxy on free ports, its data
 * in the test's own directory. Subclasses are {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}.
 */
abstract class SiteTestSupport {

    /** The demo HMI's port on the LAN host: the namespace is the test's own, so nothing else can hold it. */
    static final int LAN_HMI_PORT = 80;

    @RegisterExtension
    static final FailureReport failureReport = new FailureReport();

    @TempDir
    static Path work;

    static NetworkLab lab;
    static Chromium chromium;
    static AgentJar agentJar;
    static int relayPort;
    static int hmiPort;

    @LocalServerPort
    int portalPort;

    @BeforeAll
    static void buildTheSite() throws IOException {
        lab = NetworkLab.create(work.resolve("logs"));
        failureReport.include(() -> lab + "\n" + lab.reports());
        agentJar = AgentJar.locate();
        relayPort = GangwayE2eIT.freePort();
        hmiPort = GangwayE2eIT.freePort();
        chromium = Chromium.launch();
    }

    @AfterAll
    static void tearDownTheSite() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @DynamicPropertySource
    static void siteSettings(DynamicPropertyRegistry registry) {
        registry.add("gangway.data-dir", () -> work.resolve("portal-data").toString());
        registry.add("gangway.relay.port", () -> relayPort);
        registry.add("gangway.relay.public-host", () -> lab.portalSideAddress());
        registry.add("gangway.hmi.port", () -> hmiPort);
    }
}
