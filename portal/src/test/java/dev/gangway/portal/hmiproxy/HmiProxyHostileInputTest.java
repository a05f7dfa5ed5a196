package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile bytes close the connection that sent them, and only that one. */
class HmiProxyHostileInputTest {

    private final ProxyTestBed bed =
            new ProxyTestBed(ProxyTestBed.settings(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    private URI entry;
    private String cookie;
    private RawHttp bystander;

    @BeforeEach
    void openSession() throws Exception {
        entry = bed.open();
        cookie = bed.enter(entry);
    }

    @AfterEach
    void stop() throws Exception {
        if (bystander != null) {
            bystander.close();
        }
        bed.close();
    }

    @Test
    void garbageBytesCloseThatConnectionOnly() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[garbage.length - 4] = '\r';
        garbage[garbage.length - 3] = '\n';
        garbage[garbage.length - 2] = '\r';
        garbage[garbage.length - 1] = '\n';
        try (RawHttp hostile = bed.connect()) {
            hostile.send(garbage);
            byte[] answer = hostile.readUntilClosed();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 400")).as(text).isTrue();
        }
        assertStillServing();
    }

    @Test
    void oversizedHeadersGet431AndTheConnectionCloses() throws Exception {
        try (RawHttp hostile = bed.connect()) {
            hostile.send("GET / HTTP/1.1\r\nHost: " + host(entry) + "\r\nX-Big: " + "x".repeat(20_000)
                    + "\r\n\r\n");
            assertThat(hostile.read().status()).isEqualTo(431);
            assertThat(hostile.closedByServer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aHeadThatNeverCompletesIsCutOff() throws Exception {
        bystander = bed.connect();
        assertThat(bystander.get(host(entry), "/", cookieHeader(cookie)).status()).isEqualTo(200);
        try (RawHttp slow = bed.connect()) {
            slow.send("GET / HTTP/1.1\r\nHost: " + host(entry) + "\r\nX-Slow: ");
            assertThat(slow.closedByServer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (RawHttp idle = bed.connect()) {
            assertThat(idle.closedByServer()).isTrue();
        }
        assertStillServing();
    }

    @Test
    void aBrokenChunkedBodyClosesTheConnection() throws Exception {
        try (RawHttp hostile = bed.connect()) {
            hostile.send("POST /upload HTTP/1.1\r\nHost: " + host(entry) + "\r\n" + cookieHeader(cookie)
                    + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
            hostile.readUntilClosed();
        }
        assertStillServing();
    }

    private void assertStillServing() throws Exception {
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/still-here", cookieHeader(cookie)).text())
                    .isEqualTo("hello from the device at /still-here");
        }
    }
}
