package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.origin;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HmiProxyServerTest {

    private ProxyTestBed bed = new ProxyTestBed();

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void entryLinkWorksOnceAndSetsAHostOnlyHttpOnlyCookie() throws Exception {
        URI entry = bed.open();
        assertThat(entry.toString()).matches("http://[a-z2-7]{32}\\.hmi\\.localhost:" + bed.server.port()
                + "/__gangway/enter\\?token=[A-Za-z0-9_-]{43}");

        try (RawHttp http = bed.connect()) {
            RawHttp.Response first = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(first.status()).isEqualTo(302);
            assertThat(first.header("Location")).isEqualTo("/");
            String cookie = first.header("Set-Cookie");
            assertThat(cookie).matches("gangway_hmi=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax");
            assertThat(cookie.toLowerCase()).doesNotContain("domain");
            assertThat(http.closedByServer()).isTrue();
        }
        try (RawHttp http = bed.connect()) {
            RawHttp.Response second = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(second.status()).isEqualTo(403);
            assertThat(second.header("Set-Cookie")).isNull();
            assertThat(second.text()).contains("no longer valid");
        }
        assertThat(bed.streams.opened).isEmpty();
    }

    @Test
    void expiredEntryLinkIsRefused() throws Exception {
        URI entry = bed.open();
        bed.clock.advance(Duration.ofSeconds(61));
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery());
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void requestWithoutTheSessionsCookieIsRefusedAndNeverReachesTheDevice() throws Exception {
        URI mine = bed.open("alice");
        URI theirs = bed.open("bob");
        bed.enter(mine);
        String theirCookie = bed.enter(theirs);

        for (String[] headers : new String[][] {{}, {cookieHeader(theirCookie)}, {cookieHeader("guess")},
                {"Cookie: other=1"}}) {
            try (RawHttp http = bed.connect()) {
                RawHttp.Response response = http.get(host(mine), "/", headers);
                assertThat(response.status()).isEqualTo(403);
                assertThat(response.text()).contains("cookie");
                assertThat(http.closedByServer()).isTrue();
            }
        }
        assertThat(bed.backend.seen).isEmpty();
        assertThat(bed.streams.opened).isEmpty();
    }

    @Test
    void aRefusedUploadStillGetsItsAnswerInsteadOfAReset() throws Exception {
        URI entry = bed.open();
        byte[] body = new byte[8 * 1024 * 1024];
        try (RawHttp http = bed.connect()) {
            http.send("POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\nContent-Length: " + body.length
                    + "\r\n\r\n");
            http.send(body);
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.text()).contains("cookie");
        }
        assertThat(bed.backend.seen).isEmpty();
    }

    @Test
    void unknownHostsAre404AndAnEndedSessionsHostIs410ForGood() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        String unknownId = "a".repeat(32);
        for (String host : new String[] {unknownId + ".hmi.localhost:" + bed.server.port(), "hmi.localhost",
                "localhost:" + bed.server.port(), "127.0.0.1", sessionId(entry) + ".hmi.localhost.evil.example",
                sessionId(entry) + ".other.localhost"}) {
            try (RawHttp http = bed.connect()) {
                assertThat(http.get(host, "/", cookieHeader(cookie)).status()).as(host).isEqualTo(404);
            }
        }

        assertThat(bed.registry.end(sessionId(entry))).isTrue();
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/", cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(410);
            assertThat(response.text()).contains("has ended");
        }
        assertThat(bed.backend.seen).isEmpty();
        assertThat(bed.streams.opened).isEmpty();
    }

    @Test
    void theDeviceSeesItsOwnHostAndOriginAndNoneOfOurCookiesOrForwardingHeaders() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/page?x=1",
                    "Cookie: a=1; " + HeaderRules.COOKIE_NAME + "=" + cookie + "; b=2",
                    "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Host: portal.example", "X-Forwarded-Proto: https",
                    "Forwarded: for=203.0.113.9", "X-Real-IP: 203.0.113.9",
                    "Origin: " + origin(entry), "Referer: " + origin(entry) + "/start?y=2");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("hello from the device at /page?x=1");

            TestBackend.Seen seen = bed.backend.next();
            assertThat(seen.uri()).isEqualTo("/page?x=1");
            assertThat(seen.headers().getAll("Host")).containsExactly("198.19.0.2");
            assertThat(seen.headers().getAll("Cookie")).containsExactly("a=1; b=2");
            assertThat(seen.headers().get("Origin")).isEqualTo(TestBackend.DEVICE_ORIGIN);
            assertThat(seen.headers().get("Referer")).isEqualTo(TestBackend.DEVICE_ORIGIN + "/start?y=2");
            assertThat(seen.headers().names()).map(String::toLowerCase)
                    .noneMatch(name -> name.startsWith("x-forwarded-"))
                    .doesNotContain("forwarded", "x-real-ip");

            // only our cookie: the device gets no Cookie header at all; same connection, same device stream
            assertThat(http.get(host(entry), "/second", cookieHeader(cookie),
                    "Referer: http://portal.localhost:8080/devices/device-1").status()).isEqualTo(200);
            TestBackend.Seen second = bed.backend.next();
            assertThat(second.headers().contains("Cookie")).isFalse();
            assertThat(second.headers().contains("Referer")).isFalse();
        }
        assertThat(bed.streams.opened).hasSize(1);
        assertThat(bed.streams.opened.get(0).account()).isEqualTo("acme");
        assertThat(bed.streams.opened.get(0).user()).isEqualTo("alice");
        assertThat(bed.streams.opened.get(0).deviceId()).isEqualTo("device-1");
        assertThat(bed.streams.opened.get(0).target()).isEqualTo(ProxyTestBed.DEVICE_HMI);
    }

    @Test
    void locationsOnTheDevicesOriginMoveToTheSessionsOrigin() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/redirect-absolute", cookieHeader(cookie)).header("Location"))
                    .isEqualTo(origin(entry) + "/page2");
            assertThat(http.get(host(entry), "/redirect-port", cookieHeader(cookie)).header("Location"))
                    .isEqualTo(origin(entry) + "/page2?x=1");
            assertThat(http.get(host(entry), "/redirect-relative", cookieHeader(cookie)).header("Location"))
                    .isEqualTo("/page2");
            assertThat(http.get(host(entry), "/redirect-foreign", cookieHeader(cookie)).header("Location"))
                    .isEqualTo("http://198.19.0.99/elsewhere");
        }
    }

    @Test
    void deviceCookiesBecomeHostOnlyAndCannotReplaceOurs() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/set-cookie", cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers("Set-Cookie"))
                    .containsExactly("hmi_pref=1; Path=/", "other=2; HttpOnly; Max-Age=60");
        }
    }

    @Test
    void aRequestFromAnotherOriginIsRefused() throws Exception {
        URI entry = bed.open("alice");
        URI other = bed.open("bob");
        String cookie = bed.enter(entry);
        for (String origin : new String[] {"http://evil.example", origin(other), "null",
                "https://" + host(entry)}) {
            try (RawHttp http = bed.connect()) {
                http.send("POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie)
                        + "\r\nOrigin: " + origin + "\r\nContent-Length: 5\r\n\r\nhello");
                RawHttp.Response response = http.read();
                assertThat(response.status()).as(origin).isEqualTo(403);
                assertThat(response.text()).contains(origin);
            }
        }
        assertThat(bed.backend.seen).isEmpty();
    }

    @Test
    void ambiguousFramingIs400AndClosesTheConnection() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        String head = "POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie) + "\r\n";
        for (String framing : new String[] {
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "Transfer-Encoding: gzip\r\n\r\nhello"}) {
            try (RawHttp http = bed.connect()) {
                http.send(head + framing);
                assertThat(http.readHead().status()).as(framing).isEqualTo(400);
                http.readUntilClosed();
            }
        }
        assertThat(bed.backend.seen).isEmpty();
    }

    @Test
    void aLargeDownloadStreamsThroughIntact() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        long size = 24L * 1024 * 1024 + 17;
        try (RawHttp http = bed.connect()) {
            http.send("GET /download?size=" + size + " HTTP/1.1\r\nHost: " + host(entry) + "\r\n"
                    + cookieHeader(cookie) + "\r\n\r\n");
            RawHttp.Response head = http.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(Long.toString(size));
            assertThat(head.header("Content-Type")).isEqualTo("application/octet-stream");
            long position = 0;
            long wrong = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream body = http.in;
            while (position < size) {
                int n = body.read(buffer, 0, (int) Math.min(buffer.length, size - position));
                assertThat(n).as("bytes at %d", position).isPositive();
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != TestBackend.patternByte(position + i)) {
                        wrong++;
                    }
                }
                position += n;
            }
            assertThat(wrong).isZero();
            // keep-alive: the connection still serves the next request
            assertThat(http.get(host(entry), "/after", cookieHeader(cookie)).status()).isEqualTo(200);
        }
        HmiSession session = bed.registry.find(sessionId(entry)).orElseThrow();
        assertThat(session.bytesToBrowser()).isGreaterThan(size);
        assertThat(session.bytesFromBrowser()).isPositive();
    }

    @Test
    void anUploadReachesTheDeviceIntact() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        byte[] body = new byte[3 * 1024 * 1024 + 5];
        for (int i = 0; i < body.length; i++) {
            body[i] = TestBackend.patternByte(i);
        }
        try (RawHttp http = bed.connect()) {
            http.send(("POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie)
                    + "\r\nOrigin: " + origin(entry) + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.send(body);
            RawHttp.Response response = http.read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("received " + body.length);
        }
        assertThat(bed.backend.next().body()).isEqualTo(body);
    }

    @Test
    void aChunkedUploadReachesTheDeviceIntact() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            http.send("POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie)
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertThat(http.read().text()).isEqualTo("received 11");
        }
        assertThat(new String(bed.backend.next().body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    }

    @Test
    void anOfflineDeviceGetsAPageSayingSo() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        bed.streams.failure = TunnelException.of(TunnelError.DEVICE_OFFLINE, "device-1");
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/", cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.text()).contains("The device is offline");
        }
        bed.streams.failure = TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, "198.19.0.2:80");
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/", cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.text()).contains("target not allowed by the device&#39;s configuration: 198.19.0.2:80");
        }
        bed.streams.failure = TunnelException.of(TunnelError.TIMEOUT, null);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/", cookieHeader(cookie)).status()).isEqualTo(504);
        }
    }

    @Test
    void aRelayThatNeverAnswersGets504() throws Exception {
        bed.close();
        bed = new ProxyTestBed(ProxyTestBed.settings(Duration.ofSeconds(20), Duration.ofMillis(200)));
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        bed.streams.neverAnswer = true;
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response = http.get(host(entry), "/", cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.text()).contains("did not answer in time");
        }
    }

    @Test
    void whenTheDeviceClosesItsConnectionTheNextRequestGetsANewStream() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/close", cookieHeader(cookie)).text()).isEqualTo("closing");
            assertThat(http.get(host(entry), "/again", cookieHeader(cookie)).text())
                    .isEqualTo("hello from the device at /again");
        }
        assertThat(bed.streams.opened).hasSize(2);
    }

    @Test
    void aDeviceDroppingItsIdleStreamNeverCostsTheBrowserAnAnswer() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            for (int i = 0; i < 20; i++) {
                assertThat(http.get(host(entry), "/close-quietly", cookieHeader(cookie)).status()).isEqualTo(200);
                assertThat(http.get(host(entry), "/next", cookieHeader(cookie)).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void endingTheSessionClosesItsOpenConnections() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/", cookieHeader(cookie)).status()).isEqualTo(200);
            assertThat(bed.registry.endForUser("acme", "alice")).isEqualTo(1);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aSessionServesOnlyItsConnectionLimit() throws Exception {
        bed.close();
        bed = new ProxyTestBed(ProxyTestBed.settings(Duration.ofSeconds(20), Duration.ofSeconds(30), 1));
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp first = bed.connect(); RawHttp second = bed.connect()) {
            assertThat(first.get(host(entry), "/", cookieHeader(cookie)).status()).isEqualTo(200);
            RawHttp.Response refused = second.get(host(entry), "/", cookieHeader(cookie));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text()).contains("1 open connections");
        }
    }

    @Test
    void aConnectionStaysWithItsSession() throws Exception {
        URI entry = bed.open("alice");
        URI other = bed.open("bob");
        String cookie = bed.enter(entry);
        String otherCookie = bed.enter(other);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/", cookieHeader(cookie)).status()).isEqualTo(200);
            assertThat(http.get(host(other), "/", cookieHeader(otherCookie)).status()).isEqualTo(421);
        }
    }

    @Test
    void reservedProxyPathsAndAbsoluteTargetsAreNotForwarded() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/__gangway/other", cookieHeader(cookie)).status()).isEqualTo(404);
        }
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "http://198.19.0.2/", cookieHeader(cookie)).status()).isEqualTo(400);
        }
        assertThat(bed.backend.seen).isEmpty();
    }

    @Test
    void anotherEntryVisitWithAValidCookieJustGoesIn() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            RawHttp.Response response =
                    http.get(host(entry), entry.getRawPath() + "?" + entry.getRawQuery(), cookieHeader(cookie));
            assertThat(response.status()).isEqualTo(302);
            assertThat(response.header("Set-Cookie")).isNull();
        }
    }
}
