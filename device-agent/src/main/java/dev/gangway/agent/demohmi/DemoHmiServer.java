package dev.gangway.agent.demohmi;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The demo HMI web server: HTTP/1.1 pages and a WebSocket echo on {@code /ws/echo}. What a newcomer sees first
 * through the tunnel, and what the end-to-end tests drive.
 */
public final class DemoHmiServer implements AutoCloseable {

    static final String WS_PATH = "/ws/echo";
    private static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_WS_MESSAGE = 1024 * 1024;
    private static final int IDLE_SECONDS = 600;

    private final EventLoopGroup group;
    private final Channel server;

    private DemoHmiServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and serves until {@link #close()}. */
    public static DemoHmiServer start(String host, int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        MachineValues values = new MachineValues(Clock.systemUTC());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WS_PATH)
                .maxFramePayloadLength(MAX_WS_MESSAGE)
                .handshakeTimeoutMillis(10_000)
                .build();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                    .addLast(new CloseWhenIdle())
                                    .addLast(new HttpServerCodec(4096, 16 * 1024, 8192))
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST))
                                    .addLast(new WebSocketServerProtocolHandler(ws))
                                    .addLast(new ChunkedWriteHandler())
                                    .addLast(new HmiHttpHandler(values))
                                    .addLast(new WebSocketFrameAggregator(MAX_WS_MESSAGE))
                                    .addLast(new EchoHandler());
                        }
                    })
                    .bind(host, port).sync().channel();
            return new DemoHmiServer(group, server);
        } catch (Throwable e) {
            // bind() rethrows e.g. BindException unchecked: release the threads whatever it was
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Drops connections idle for {@value #IDLE_SECONDS} s, so abandoned clients do not pile up. */
    private static final class CloseWhenIdle extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}
