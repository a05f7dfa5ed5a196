package dev.gangway.portal.hmiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HmiSessionRegistryTest {

    private static final LanTarget HMI = new LanTarget("198.19.0.2", 80);

    private final ProxyTestBed.SettableClock clock = new ProxyTestBed.SettableClock();
    private final HmiSessionRegistry registry = new HmiSessionRegistry(HmiProxySettings.defaults(), clock);

    @Test
    void eachSessionGetsItsOwnUnguessableOriginAndAnEntryLink() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            URI entry = registry.open("acme", "user" + (i % 10), "device-1", "hmi", HMI, false);
            String id = entry.getHost().substring(0, entry.getHost().indexOf('.'));
            assertThat(id).matches("[a-z2-7]{32}");
            assertThat(ids.add(id)).isTrue();
            assertThat(entry.getScheme()).isEqualTo("http");
            assertThat(entry.getHost()).isEqualTo(id + ".hmi.localhost");
            assertThat(entry.getPort()).isEqualTo(8081);
            assertThat(entry.getPath()).isEqualTo("/__gangway/enter");
            assertThat(entry.getQuery()).matches("token=[A-Za-z0-9_-]{43}");
        }
    }

    @Test
    void behindATlsProxyTheUrlHasTheSchemeAndLeavesOutTheDefaultPort() {
        HmiProxySettings d = HmiProxySettings.defaults();
        HmiProxySettings production = new HmiProxySettings(8081, "127.0.0.1", "HMI.Example.com", "https", 443,
                d.sessionIdleTimeout(), d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), 32, 16384,
                d.requestHeadTimeout(), d.relayTimeout(), 16);
        URI entry = new HmiSessionRegistry(production, clock).open("acme", "alice", "device-1", "hmi", HMI, false);
        assertThat(entry.toString()).matches("https://[a-z2-7]{32}\\.hmi\\.example\\.com/__gangway/enter\\?token=.+");
    }

    @Test
    void theEntryTokenWorksOnceAndOnlyWithinItsLifetime() {
        URI entry = registry.open("acme", "alice", "device-1", "hmi", HMI, false);
        HmiSession session = registry.find(id(entry)).orElseThrow();

        assertThat(session.consumeEntryToken("wrong", clock.instant())).isEqualTo(HmiSession.Entry.UNKNOWN);
        assertThat(session.consumeEntryToken(null, clock.instant())).isEqualTo(HmiSession.Entry.UNKNOWN);
        assertThat(session.consumeEntryToken(token(entry), clock.instant())).isEqualTo(HmiSession.Entry.ACCEPTED);
        assertThat(session.consumeEntryToken(token(entry), clock.instant())).isEqualTo(HmiSession.Entry.USED);

        URI late = registry.open("acme", "alice", "device-1", "hmi", HMI, false);
        HmiSession lateSession = registry.find(id(late)).orElseThrow();
        clock.advance(Duration.ofSeconds(61));
        assertThat(lateSession.consumeEntryToken(token(late), clock.instant())).isEqualTo(HmiSession.Entry.EXPIRED);
        assertThat(lateSession.consumeEntryToken(token(late), clock.instant())).isEqualTo(HmiSession.Entry.USED);
    }

    @Test
    void endedSessionsAreRememberedAndTheirIdsNeverComeBack() {
        HmiSession alice = open("alice");
        HmiSession bob = open("bob");
        HmiSession otherDevice = registry.find(id(registry.open("acme", "carol", "device-2", "hmi", HMI, false)))
                .orElseThrow();

        assertThat(registry.endForUser("acme", "alice")).isEqualTo(1);
        assertThat(registry.lookup(alice.id()).ended()).isTrue();
        assertThat(registry.lookup(alice.id()).session()).isNull();
        assertThat(alice.isEnded()).isTrue();
        assertThat(registry.lookup(bob.id()).session()).isSameAs(bob);

        assertThat(registry.endForDevice("device-1")).isEqualTo(1);
        assertThat(registry.lookup(bob.id()).ended()).isTrue();
        assertThat(registry.lookup(otherDevice.id()).session()).isSameAs(otherDevice);
        assertThat(registry.end(otherDevice.id())).isTrue();
        assertThat(registry.end(otherDevice.id())).isFalse();
        assertThat(registry.sessions()).isEmpty();
        assertThat(registry.lookup("a".repeat(32))).isEqualTo(HmiSessionRegistry.Lookup.UNKNOWN);
        assertThat(otherDevice.consumeEntryToken("anything", clock.instant())).isEqualTo(HmiSession.Entry.USED);
    }

    @Test
    void anIdleSessionEndsAfterTheIdleTimeout() {
        HmiSession session = open("alice");
        clock.advance(Duration.ofMinutes(29));
        assertThat(registry.endExpired()).isZero();
        session.touch(clock.instant());
        clock.advance(Duration.ofMinutes(29));
        assertThat(registry.lookup(session.id()).session()).isSameAs(session);
        clock.advance(Duration.ofMinutes(2));
        assertThat(registry.endExpired()).isEqualTo(1);
        assertThat(registry.lookup(session.id()).ended()).isTrue();
    }

    @Test
    void aBusySessionStillEndsAtItsAbsoluteTimeout() {
        HmiSession session = open("alice");
        for (int i = 0; i < 35; i++) {
            clock.advance(Duration.ofMinutes(20));
            session.touch(clock.instant());
        }
        assertThat(registry.lookup(session.id()).session()).isSameAs(session);
        clock.advance(Duration.ofMinutes(20));
        session.touch(clock.instant());
        assertThat(registry.lookup(session.id()).ended()).isTrue();
        assertThat(session.isEnded()).isTrue();
    }

    @Test
    void aUserOpeningMoreThanTheLimitLosesTheirOldestSession() {
        HmiSession oldest = open("alice");
        for (int i = 1; i < HmiProxySettings.defaults().maxSessionsPerUser(); i++) {
            clock.advance(Duration.ofSeconds(1));
            open("alice");
        }
        assertThat(oldest.isEnded()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        open("alice");
        assertThat(oldest.isEnded()).isTrue();
        assertThat(registry.sessions()).hasSize(HmiProxySettings.defaults().maxSessionsPerUser());
    }

    @Test
    void theDeviceOriginLeavesOutTheDefaultPort() {
        HmiSession plain = open("alice");
        assertThat(plain.deviceOrigin()).isEqualTo("http://198.19.0.2");
        HmiSession tls = registry.find(id(registry.open("acme", "alice", "d", "hmi",
                new LanTarget("198.19.0.3", 443), true))).orElseThrow();
        assertThat(tls.deviceOrigin()).isEqualTo("https://198.19.0.3");
        HmiSession odd = registry.find(id(registry.open("acme", "alice", "d", "hmi",
                new LanTarget("198.19.0.3", 8080), false))).orElseThrow();
        assertThat(odd.deviceOrigin()).isEqualTo("http://198.19.0.3:8080");
        assertThat(odd.toString()).doesNotContain(odd.cookieSecret());
    }

    @Test
    void badSettingsNameTheSettingAndTheFix() {
        HmiProxySettings d = HmiProxySettings.defaults();
        assertThatThrownBy(() -> new HmiProxySettings(8081, "0.0.0.0", ".example.com", "http", null,
                d.sessionIdleTimeout(), d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), 32, 16384,
                d.requestHeadTimeout(), d.relayTimeout(), 16))
                .hasMessageContaining("gangway.hmi.base-domain").hasMessageContaining("hmi.example.com");
        assertThatThrownBy(() -> new HmiProxySettings(8081, "0.0.0.0", "hmi.localhost", "ftp", null,
                d.sessionIdleTimeout(), d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), 32, 16384,
                d.requestHeadTimeout(), d.relayTimeout(), 16))
                .hasMessageContaining("gangway.hmi.scheme");
        assertThatThrownBy(() -> new HmiProxySettings(8081, "0.0.0.0", "hmi.localhost", "http", 70000,
                d.sessionIdleTimeout(), d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), 32, 16384,
                d.requestHeadTimeout(), d.relayTimeout(), 16))
                .hasMessageContaining("gangway.hmi.public-port");
        assertThatThrownBy(() -> new HmiProxySettings(8081, "0.0.0.0", "hmi.localhost", "http", null,
                Duration.ZERO, d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), 32, 16384,
                d.requestHeadTimeout(), d.relayTimeout(), 16))
                .hasMessageContaining("gangway.hmi.session-idle-timeout");
    }

    private HmiSession open(String user) {
        return registry.find(id(registry.open("acme", user, "device-1", "hmi", HMI, false))).orElseThrow();
    }

    private static String id(URI entry) {
        return entry.getHost().substring(0, entry.getHost().indexOf('.'));
    }

    private static String token(URI entry) {
        return entry.getQuery().substring("token=".length());
    }

    @Test
    void onlyTheMostRecentEndedIdsAreRemembered() {
        HmiSessionRegistry capped = new HmiSessionRegistry(HmiProxySettings.defaults(), clock, 3);
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = id(capped.open("acme", "user" + i, "device-1", "hmi", HMI, false));
            assertThat(capped.end(id)).isTrue();
            ids.add(id);
        }
        // the two oldest are forgotten (404 instead of 410), the three most recent still answer "ended"
        assertThat(capped.lookup(ids.get(0))).isEqualTo(HmiSessionRegistry.Lookup.UNKNOWN);
        assertThat(capped.lookup(ids.get(1))).isEqualTo(HmiSessionRegistry.Lookup.UNKNOWN);
        for (String id : ids.subList(2, 5)) {
            assertThat(capped.lookup(id)).isEqualTo(HmiSessionRegistry.Lookup.ENDED);
        }
    }
}
