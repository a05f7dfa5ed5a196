package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every listener survives hostile bytes: only that connection closes; a live agent keeps working. */
class HostileBytesTest {

    private TunnelFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> { });
        fx.onlineAgent("dev-1");
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void randomBytesOnThePlainPort() throws Exception {
        try (Socket socket = plain()) {
            socket.getOutputStream().write(randomBytes(4096, 30));
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    @Test
    void plainHttpRequest() throws Exception {
        try (Socket socket = plain()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: relay\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    @Test
    void truncatedClientHello() throws Exception {
        byte[] hello = clientHello();
        try (Socket socket = plain()) {
            socket.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    @Test
    void garbageAfterAStreamClientHandshake() throws Exception {
        try (SSLSocket socket = tls(TunnelProtocol.ALPN_STREAM_CLIENT, null)) {
            assertThat(socket.getApplicationProtocol()).isEqualTo(TunnelProtocol.ALPN_STREAM_CLIENT);
            socket.getOutputStream().write(randomBytes(8192, 31));
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    @Test
    void garbageAfterADeviceTunnelHandshake() throws Exception {
        fx.knownDevices.add("dev-9");
        try (SSLSocket socket = tls(TunnelProtocol.ALPN_DEVICE_TUNNEL, fx.pki.device("dev-9"))) {
            assertThat(socket.getApplicationProtocol()).isEqualTo(TunnelProtocol.ALPN_DEVICE_TUNNEL);
            socket.getOutputStream().write(randomBytes(8192, 32));
            assertClosedByRelay(socket);
        }
        assertThat(fx.relay.isOnline("dev-9")).isFalse();
        assertAgentStillWorks();
    }

    @Test
    void deviceTunnelWithoutClientCertificateIsClosed() throws Exception {
        try (SSLSocket socket = tls(TunnelProtocol.ALPN_DEVICE_TUNNEL, null)) {
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    @Test
    void unknownAlpnIsClosed() throws Exception {
        try (SSLSocket socket = tls("h2", null)) {
            assertClosedByRelay(socket);
        }
        assertAgentStillWorks();
    }

    private void assertAgentStillWorks() throws Exception {
        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(200_000, 33);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
    }

    private Socket plain() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), fx.relayPort);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** Reads until the relay closes; a reset counts as closed too. Fails on read timeout. */
    private static void assertClosedByRelay(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // drain alerts or GOAWAY until the end
            }
        } catch (SocketException | javax.net.ssl.SSLException e) {
            // reset or TLS alert: closed as well
        }
    }

    private SSLSocket tls(String alpn, TestPki.Issued clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", fx.pki.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("device", clientCert.key(), "x".toCharArray(), clientCert.chain());
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), fx.relayPort);
        socket.setSoTimeout(15_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {alpn});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static byte[] clientHello() throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
