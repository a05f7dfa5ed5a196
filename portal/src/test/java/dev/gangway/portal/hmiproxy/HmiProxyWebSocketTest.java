package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.origin;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSockets through the proxy, spoken byte by byte on a socket so the Host and Origin are the test's choice. */
class HmiProxyWebSocketTest {

    private final ProxyTestBed bed = new ProxyTestBed();

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void framesEchoThroughTheProxyAfterTheUpgrade() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp ws = bed.connect()) {
            String key = Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response upgrade = upgrade(ws, entry, cookie, "Origin: " + origin(entry), key);
            assertThat(upgrade.status()).isEqualTo(101);
            assertThat(upgrade.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(upgrade.header("Sec-WebSocket-Accept")).isEqualTo(accept(key));

            TestBackend.Seen handshake = bed.backend.next();
            assertThat(handshake.headers().get("Host")).isEqualTo("198.19.0.2");
            assertThat(handshake.headers().get("Origin")).isEqualTo(TestBackend.DEVICE_ORIGIN);
            assertThat(handshake.headers().contains("Cookie")).isFalse();

            sendFrame(ws, 0x1, "hello through the tunnel".getBytes(StandardCharsets.UTF_8));
            Frame text = readFrame(ws);
            assertThat(text.opcode()).isEqualTo(0x1);
            assertThat(new String(text.payload(), StandardCharsets.UTF_8)).isEqualTo("hello through the tunnel");

            byte[] binary = new byte[60_000];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = TestBackend.patternByte(i);
            }
            sendFrame(ws, 0x2, binary);
            Frame echoed = readFrame(ws);
            assertThat(echoed.opcode()).isEqualTo(0x2);
            assertThat(echoed.payload()).isEqualTo(binary);
        }
    }

    @Test
    void endingTheSessionClosesItsWebSocket() throws Exception {
        URI entry = bed.open();
        String cookie = bed.enter(entry);
        try (RawHttp ws = bed.connect()) {
            assertThat(upgrade(ws, entry, cookie, "Origin: " + origin(entry), "AAAAAAAAAAAAAAAAAAAAAA==").status())
                    .isEqualTo(101);
            sendFrame(ws, 0x1, "ping".getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(ws).payload()).isEqualTo("ping".getBytes(StandardCharsets.UTF_8));

            bed.registry.endForDevice("device-1");
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void anUpgradeFromAnotherOriginOrWithoutOriginIsRefused() throws Exception {
        URI entry = bed.open("alice");
        URI other = bed.open("bob");
        String cookie = bed.enter(entry);
        for (String originLine : new String[] {"Origin: http://evil.example", "Origin: " + origin(other),
                "X-No-Origin: 1"}) {
            try (RawHttp ws = bed.connect()) {
                RawHttp.Response response = upgrade(ws, entry, cookie, originLine, "AAAAAAAAAAAAAAAAAAAAAA==");
                assertThat(response.status()).as(originLine).isEqualTo(403);
                assertThat(ws.readUntilClosed()).isEmpty();
            }
        }
        assertThat(bed.backend.seen).isEmpty();
        assertThat(bed.streams.opened).isEmpty();
    }

    private static RawHttp.Response upgrade(RawHttp ws, URI entry, String cookie, String originLine, String key)
            throws IOException {
        ws.send("GET /ws/echo HTTP/1.1\r\nHost: " + host(entry) + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + originLine + "\r\n" + cookieHeader(cookie) + "\r\n\r\n");
        RawHttp.Response head = ws.readHead();
        if (head.status() != 101) {
            return ws.readBodyOf(head);
        }
        return head;
    }

    private static String accept(String key) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    /** A final, masked client frame (RFC 6455 5.2). */
    private static void sendFrame(RawHttp ws, int opcode, byte[] payload) throws IOException {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        int headerLength = payload.length < 126 ? 2 : 4;
        byte[] frame = new byte[headerLength + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        if (payload.length < 126) {
            frame[1] = (byte) (0x80 | payload.length);
        } else {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        }
        System.arraycopy(mask, 0, frame, headerLength, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[headerLength + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        ws.send(frame);
    }

    record Frame(int opcode, byte[] payload) {
    }

    private static Frame readFrame(RawHttp ws) throws IOException {
        DataInputStream in = new DataInputStream(ws.in);
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        assertThat(second & 0x80).as("server frames are not masked").isZero();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        assertThat(first & 0x80).as("final frame").isNotZero();
        return new Frame(first & 0x0F, Arrays.copyOf(payload, payload.length));
    }
}
