package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback bridge opens each CONNECT through an NTLM proxy, for clients (the JDK's) that cannot do NTLM. */
class ProxyBridgeTest {

    private ConnectProxy proxy;
    private ServerSocket echo;

    @BeforeEach
    void setUp() throws IOException {
        proxy = new ConnectProxy("FACTORY", "gangway", "s3cret");
        echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-echo");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        echo.close();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aConnectThroughTheBridgeIsAuthenticatedWithNtlmAndSpliced() throws IOException {
        try (ProxyBridge bridge = ProxyBridge.start(ProxySettings.ntlm(proxy.address(), "FACTORY", "gangway", "s3cret"));
                Socket client = new Socket(bridge.address().getAddress(), bridge.address().getPort())) {
            assertThat(bridge.address().getAddress().isLoopbackAddress()).isTrue();
            OutputStream out = client.getOutputStream();
            out.write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + echo.getLocalPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(head(client.getInputStream())).startsWith("HTTP/1.1 200 ");
            out.write("hello through NTLM".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(client.getInputStream().readNBytes(18), StandardCharsets.US_ASCII))
                    .isEqualTo("hello through NTLM");
            assertThat(proxy.ntlmVerdicts).containsExactly(true);
            assertThat(bridge.lastFailure()).isNull();
        }
    }

    @Test
    void aRefusalIsA502WithTheReasonInWords() throws IOException {
        try (ProxyBridge bridge = ProxyBridge.start(ProxySettings.ntlm(proxy.address(), "FACTORY", "gangway", "nope"));
                Socket client = new Socket(bridge.address().getAddress(), bridge.address().getPort())) {
            client.getOutputStream().write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 502 ").contains("refused the NTLM credentials of FACTORY\\gangway");
            assertThat(bridge.lastFailure().error()).isEqualTo(TunnelError.PROXY_REFUSED);
            assertThat(bridge.lastFailure().getMessage()).doesNotContain("nope");
        }
    }

    @Test
    void plainRequestsAreRefused() throws IOException {
        try (ProxyBridge bridge = ProxyBridge.start(ProxySettings.ntlm(proxy.address(), "FACTORY", "gangway", "s3cret"));
                Socket client = new Socket(bridge.address().getAddress(), bridge.address().getPort())) {
            client.getOutputStream().write("GET http://portal.example/ HTTP/1.1\r\nHost: portal.example\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 405 ").contains("use an https address");
            assertThat(proxy.requests).isEmpty();
        }
    }
}
