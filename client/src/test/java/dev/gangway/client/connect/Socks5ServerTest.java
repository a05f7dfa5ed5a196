package dev.gangway.client.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.client.ExitCode;
import dev.gangway.client.portal.PortalException;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 server against real sockets, with a fake stream source: streams are plain TCP connections to a local
 * echo server, or the failure a test chooses.
 */
class Socks5ServerTest {

    private EventLoopGroup group;
    private ServerSocket echo;
    private Thread echoThread;
    private Socks5Server socks;
    private final List<LanTarget> targets = new CopyOnWriteArrayList<>();
    private volatile Function<LanTarget, CompletableFuture<Channel>> behaviour;

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(this::echoLoop, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        behaviour = target -> dialEcho();
        socks = Socks5Server.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), target -> {
            targets.add(target);
            return behaviour.apply(target);
        }, group);
    }

    @AfterEach
    void tearDown() throws Exception {
        socks.close();
        echo.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // client went away
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A stream as the tunnel hands it out: connected, not auto-reading. */
    private CompletableFuture<Channel> dialEcho() {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(echo.getLocalSocketAddress())
                .addListener(f -> {
                    if (f.isSuccess()) {
                        result.complete(((io.netty.channel.ChannelFuture) f).channel());
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }

    private Socket client() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), socks.localAddress().getPort());
        s.setSoTimeout(10_000); // a guard against hanging, not a timing assertion
        return s;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] read(Socket s, int n) throws IOException {
        byte[] buf = new byte[n];
        new DataInputStream(s.getInputStream()).readFully(buf);
        return buf;
    }

    private static final byte[] GREETING = bytes(5, 1, 0);
    private static final byte[] CONNECT_IPV4 = bytes(5, 1, 0, 1, 198, 19, 0, 2, 0, 80);

    private static byte[] connectDomain(String host, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(5, 1, 0, 3, host.length()));
        out.writeBytes(host.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes(port >> 8, port & 0xFF));
        return out.toByteArray();
    }

    private byte replyTo(byte[] request) throws IOException {
        try (Socket s = client()) {
            s.getOutputStream().write(GREETING);
            assertThat(read(s, 2)).containsExactly(5, 0);
            s.getOutputStream().write(request);
            byte[] reply = read(s, 10);
            assertThat(reply[0]).isEqualTo((byte) 5);
            if (reply[1] != 0) {
                assertThat(s.getInputStream().read()).as("closed after a refusal").isEqualTo(-1);
            }
            return reply[1];
        }
    }

    private void assertEchoes(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(read(s, text.length()), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void connectIpv4ThenBytesFlowBothWays() throws Exception {
        try (Socket s = client()) {
            s.getOutputStream().write(GREETING);
            assertThat(read(s, 2)).containsExactly(5, 0);
            s.getOutputStream().write(CONNECT_IPV4);
            assertThat(read(s, 10)).startsWith(5, 0, 0, 1);
            assertEchoes(s, "hello through the tunnel");
        }
        assertThat(targets).containsExactly(new LanTarget("198.19.0.2", 80));
    }

    @Test
    void domainNamesArePassedOnUnresolved() throws Exception {
        assertThat(replyTo(connectDomain("plc.Hall-2.lan", 502))).isZero();
        assertThat(targets).containsExactly(new LanTarget("plc.hall-2.lan", 502));
    }

    @Test
    void ipv6Targets() throws Exception {
        byte[] request = bytes(5, 1, 0, 4, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x01, 0xF6);
        assertThat(replyTo(request)).isZero();
        assertThat(targets).singleElement().satisfies(t -> {
            assertThat(t.port()).isEqualTo(502);
            assertThat(InetAddress.getByName(t.host())).isEqualTo(InetAddress.getByName("fd00::2"));
        });
    }

    @Test
    void greetingRequestAndDataInOneWrite() throws Exception {
        try (Socket s = client()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(GREETING);
            all.writeBytes(CONNECT_IPV4);
            all.writeBytes("early bytes".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(all.toByteArray());
            assertThat(read(s, 2)).containsExactly(5, 0);
            assertThat(read(s, 10)).startsWith(5, 0);
            assertThat(new String(read(s, 11), StandardCharsets.US_ASCII)).isEqualTo("early bytes");
            assertEchoes(s, "and more");
        }
    }

    @Test
    void onlyNoAuthenticationIsOffered() throws Exception {
        try (Socket s = client()) {
            s.getOutputStream().write(bytes(5, 1, 2)); // username/password only
            assertThat(read(s, 2)).containsExactly(5, 0xFF);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(targets).isEmpty();
    }

    @Test
    void onlyConnectIsSupported() throws Exception {
        assertThat(replyTo(bytes(5, 2, 0, 1, 198, 19, 0, 2, 0, 80))).isEqualTo((byte) 0x07); // BIND
        assertThat(replyTo(bytes(5, 3, 0, 1, 198, 19, 0, 2, 0, 80))).isEqualTo((byte) 0x07); // UDP ASSOCIATE
        assertThat(targets).isEmpty();
    }

    @Test
    void unknownAddressTypeIsRefused() throws Exception {
        assertThat(replyTo(bytes(5, 1, 0, 9, 1, 2, 3, 4, 0, 80))).isEqualTo((byte) 0x08);
    }

    @Test
    void malformedGreetingsCloseTheConnectionAndTheListenerSurvives() throws Exception {
        for (byte[] hostile : new byte[][] {bytes(4, 1, 0, 80, 1, 2, 3, 4, 0), "GET / HTTP/1.1\r\n\r\n".getBytes(
                StandardCharsets.US_ASCII), bytes(0xFF, 0xFF, 0xFF, 0xFF)}) {
            try (Socket s = client()) {
                s.getOutputStream().write(hostile);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }
        try (Socket s = client()) {
            s.getOutputStream().write(GREETING);
            s.getOutputStream().write(bytes(4, 1, 0, 1, 1, 2, 3, 4, 0, 80)); // request with the wrong version
            assertThat(read(s, 2)).containsExactly(5, 0);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(replyTo(CONNECT_IPV4)).isZero();
    }

    @Test
    void portZeroIsAGeneralFailure() throws Exception {
        assertThat(replyTo(bytes(5, 1, 0, 1, 198, 19, 0, 2, 0, 0))).isEqualTo((byte) 0x01);
    }

    @Test
    void refusalsGetTheirReplyCodes() throws Exception {
        record Case(Throwable failure, int reply) {
        }
        for (Case c : List.of(
                new Case(TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, null), 0x02),
                new Case(TunnelException.of(TunnelError.NO_RIGHT, null), 0x02),
                new Case(PortalException.refusal(403, "no-right", "you may not"), 0x02),
                new Case(PortalException.refusal(409, "device-offline", "offline"), 0x03),
                new Case(TunnelException.of(TunnelError.DEVICE_OFFLINE, null), 0x03),
                new Case(TunnelException.of(TunnelError.TARGET_UNREACHABLE, null), 0x04),
                new Case(TunnelException.of(TunnelError.TARGET_UNREACHABLE, "Connection refused"), 0x05),
                new Case(TunnelException.of(TunnelError.TIMEOUT, null), 0x01),
                new Case(new PortalException(ExitCode.UNREACHABLE, "portal down", null), 0x01),
                new Case(new IllegalStateException("boom"), 0x01))) {
            behaviour = target -> CompletableFuture.failedFuture(c.failure());
            assertThat(replyTo(CONNECT_IPV4)).as(c.failure().toString()).isEqualTo((byte) c.reply());
        }
    }
}
