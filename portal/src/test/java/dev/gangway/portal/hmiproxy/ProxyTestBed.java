package dev.gangway.portal.hmiproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.tunnel.LanTarget;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A running HMI proxy on a free loopback port, in front of a {@link TestBackend} playing the device. */
final class ProxyTestBed implements AutoCloseable {

    static final LanTarget DEVICE_HMI = new LanTarget("198.19.0.2", 80);

    final TestBackend backend = new TestBackend();
    final TestDeviceStreams streams = new TestDeviceStreams(backend.address());
    final SettableClock clock = new SettableClock();
    final HmiSessionRegistry registry;
    final HmiProxyServer server;

    ProxyTestBed() {
        this(settings(Duration.ofSeconds(20), Duration.ofSeconds(30)));
    }

    ProxyTestBed(HmiProxySettings settings) {
        this(settings, SessionRecorder.NONE);
    }

    /** A bed whose sessions are reported to {@code recorder}. */
    ProxyTestBed(HmiProxySettings settings, SessionRecorder recorder) {
        registry = new HmiSessionRegistry(settings, clock, recorder);
        server = new HmiProxyServer(registry, streams);
        server.start();
    }

    /** Loopback, a free port, the default base domain; the given head and relay timeouts. */
    static HmiProxySettings settings(Duration requestHeadTimeout, Duration relayTimeout) {
        return settings(requestHeadTimeout, relayTimeout, 32);
    }

    static HmiProxySettings settings(Duration requestHeadTimeout, Duration relayTimeout, int maxConnections) {
        HmiProxySettings d = HmiProxySettings.defaults();
        return new HmiProxySettings(0, "127.0.0.1", d.baseDomain(), d.scheme(), null, d.sessionIdleTimeout(),
                d.sessionAbsoluteTimeout(), d.entryTokenLifetime(), maxConnections, 8192, requestHeadTimeout,
                relayTimeout, d.maxSessionsPerUser());
    }

    URI open() {
        return open("alice");
    }

    URI open(String user) {
        return registry.open("acme", user, "device-1", "hmi", DEVICE_HMI, false);
    }

    RawHttp connect() throws IOException {
        return new RawHttp(server.port());
    }

    static String host(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    static String sessionId(URI uri) {
        return uri.getHost().substring(0, uri.getHost().indexOf('.'));
    }

    static String origin(URI uri) {
        return "http://" + host(uri);
    }

    /** Follows the entry link like a browser and returns the session cookie value it got. */
    String enter(URI entry) throws IOException {
        try (RawHttp http = connect()) {
            RawHttp.Response response = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(response.status()).isEqualTo(302);
            String cookie = response.header("Set-Cookie");
            assertThat(cookie).startsWith(HeaderRules.COOKIE_NAME + "=");
            return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        }
    }

    static String cookieHeader(String value) {
        return "Cookie: " + HeaderRules.COOKIE_NAME + "=" + value;
    }

    @Override
    public void close() {
        server.stop();
        streams.close();
        backend.close();
    }

    /** A clock the test moves by hand. */
    static final class SettableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-05T08:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
