package dev.gangway.bench;

import dev.gangway.tunnel.TunnelTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The yardstick of the idle-tunnels scenario: a bare Netty TLS server with the relay's TLS settings
 * ({@link TunnelTls#forRelay}: TLS 1.3, the same BoringSSL engine, the same certificate, client certificates checked
 * against the same CA, ALPN offered), the relay's socket options and its default event loop group (2 threads per
 * core). A connection is counted once its handshake completed with a client certificate; after that it only holds
 * the connection: no HTTP/2, no keepalive, no registry.
 *
 * <p>{@code BareTlsRole <pki dir> <control dir> <name> <expected connections>}; binds 127.0.0.1 on a free port, prints
 * {@code READY port=<p> pid=<pid> tls=...}, keeps {@link FleetCounter} counters in {@code <name>.status} and answers
 * {@code heap} through {@link ControlFiles}.
 */
final class BareTlsRole {

    /** The relay's tunnel write-buffer water marks (tunnel-core H2.CONNECTION_WATER_MARK). */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
    /** The relay's TLS handshake timeout (RelayServer.Builder default). */
    static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private BareTlsRole() {
    }

    public static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        FleetPki pki = new FleetPki(Path.of(args[0]));
        ControlFiles control = new ControlFiles(Path.of(args[1]), args[2]);
        FleetCounter counter = new FleetCounter(Integer.parseInt(args[3]));
        SslContext tls = TunnelTls.forRelay(TestPki.readPrivateKey(pki.relayKey(), "EC"),
                new X509Certificate[] {TestPki.readCertificate(pki.relayCert())},
                List.of(TestPki.readCertificate(pki.caCert())));
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("bare-tls"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Counting counting = new Counting(counter);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler handler = tls.newHandler(ch.alloc());
                        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS);
                        ch.pipeline().addLast("tls", handler);
                        ch.pipeline().addLast("count", counting);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        control.serve(counter::status, command -> {
            if (command.equals("heap")) {
                return MemoryProbe.measure() + " up=" + counter.current();
            }
            throw new IllegalArgumentException("unknown command '" + command + "'; the bare TLS server knows heap");
        });
        RoleSupport.ready("port=" + ((InetSocketAddress) server.localAddress()).getPort() + " pid="
                + ProcessHandle.current().pid() + " " + RoleSupport.tlsDescription(tls));
        RoleSupport.parkForever();
    }

    /** Counts connections whose handshake completed with a client certificate; drops anything read. */
    @ChannelHandler.Sharable
    private static final class Counting extends ChannelInboundHandlerAdapter {
        private final FleetCounter counter;

        Counting(FleetCounter counter) {
            this.counter = counter;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    ctx.close();
                    return;
                }
                try {
                    // what the relay asks of every device connection: the client certificate
                    if (ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates().length == 0) {
                        ctx.close();
                        return;
                    }
                } catch (SSLPeerUnverifiedException e) {
                    ctx.close();
                    return;
                }
                counter.up();
                ctx.channel().closeFuture().addListener(f -> counter.down());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
