package dev.gangway.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A portal's or client's connection to a relay ({@link TunnelProtocol#ALPN_STREAM_CLIENT}), multiplexing
 * ticketed streams. Channels it returns behave as those of {@link RelayServer#openStream(String)}.
 *
 * <h2>Lifecycle</h2> {@link #connect} completes once TLS agreed on the stream protocol; the connection keeps
 * itself alive with PINGs (30 s idle, 10 s timeout). When it closes (relay gone, {@link #close()}),
 * {@link #isActive()} turns false and its streams end; a caller that wants to go on connects again.
 *
 * <h2>Threading</h2> Futures complete on the connection's event loop; methods are thread-safe.
 */
public final class StreamClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STREAM_OPEN_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(30);
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

    private final Channel channel;
    private final EventLoopGroup ownedGroup;

    private StreamClient(Channel channel, EventLoopGroup ownedGroup) {
        this.channel = channel;
        this.ownedGroup = ownedGroup;
    }

    /** Connects and completes the TLS and HTTP/2 handshakes. */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context) {
        EventLoopGroup group = Transport.newGroup(1, "gangway-stream-client");
        CompletableFuture<StreamClient> result = connect(relay, context, group, group);
        result.whenComplete((client, error) -> {
            if (error != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        });
        return result;
    }

    /**
     * Connects on a shared event loop group (e.g. the HMI proxy's, so spliced streams stay on one thread);
     * {@link #close()} does not shut the group down.
     */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context,
            EventLoopGroup group) {
        return connect(relay, context, group, null);
    }

    private static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context,
            EventLoopGroup group, EventLoopGroup owned) {
        if (context == null || !context.isClient()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a client SslContext is needed (TunnelTls.forStreamClient)"));
        }
        CompletableFuture<StreamClient> result = new CompletableFuture<>();
        new Bootstrap()
                .group(group)
                .channel(Transport.socketChannel(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, H2.CONNECTION_WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = context.newHandler(ch.alloc(), relay.getHostString(), relay.getPort());
                        tls.setHandshakeTimeoutMillis(CONNECT_TIMEOUT.toMillis());
                        ch.pipeline().addLast("tls", tls);
                        ch.pipeline().addLast("alpn", new Alpn(result, owned));
                    }
                })
                .connect(relay)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new TunnelException(TunnelError.DEVICE_OFFLINE,
                                "cannot connect to relay " + relay + ": " + RelayConnection.brief(f.cause()), f.cause()));
                    }
                });
        return result;
    }

    /** Opens a stream; fails with a {@link TunnelException} naming the relay's or agent's refusal. */
    public CompletableFuture<Channel> openStream(String ticketToken) {
        LanTarget target;
        try {
            target = Tickets.unverifiedTarget(ticketToken);
        } catch (TunnelException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        if (!channel.isActive()) {
            result.completeExceptionally(TunnelException.of(TunnelError.DEVICE_OFFLINE, "the relay connection is closed"));
            return result;
        }
        Http2Headers request = H2.connect(target).set(TunnelProtocol.HEADER_TICKET, ticketToken);
        new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ConnectRequest(request, result, STREAM_OPEN_TIMEOUT, null))
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new TunnelException(TunnelError.DEVICE_OFFLINE,
                                "cannot open a stream to the relay: " + f.cause().getMessage(), f.cause()));
                    }
                });
        return result;
    }

    /** Whether the connection to the relay is still up. */
    public boolean isActive() {
        return channel.isActive();
    }

    /** The relay connection's event loop (streams opened here live on it). */
    public io.netty.channel.EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static final class Alpn extends AlpnSelection {
        private final CompletableFuture<StreamClient> result;
        private final EventLoopGroup owned;

        Alpn(CompletableFuture<StreamClient> result, EventLoopGroup owned) {
            this.result = result;
            this.owned = owned;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!TunnelProtocol.ALPN_STREAM_CLIENT.equals(protocol)) {
                fail(ctx, TunnelException.of(TunnelError.UNSUPPORTED_VERSION,
                        "the relay does not speak " + TunnelProtocol.ALPN_STREAM_CLIENT));
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.addLast("h2", H2.codec(false, 0));
            p.addLast("h2-window", new H2.ConnectionWindow());
            p.addLast("keepalive", new Keepalive(KEEPALIVE_INTERVAL, KEEPALIVE_TIMEOUT,
                    reason -> log.warn("relay {} is not answering: {}", ctx.channel().remoteAddress(), reason)));
            p.addLast("h2-streams", new Http2MultiplexHandler(new RefusePush()));
            p.addLast("events", new RelayConnection.LastHandler("relay"));
            if (!result.complete(new StreamClient(ctx.channel(), owned))) {
                ctx.close();
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, new TunnelException(TunnelError.PROTOCOL, "TLS with the relay failed: "
                    + RelayConnection.brief(cause), cause));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, new TunnelException(TunnelError.PROTOCOL, "connection to the relay failed: "
                    + RelayConnection.brief(cause), cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(TunnelException.of(TunnelError.PROTOCOL, "the relay closed the connection"));
            super.channelInactive(ctx);
        }

        private void fail(ChannelHandlerContext ctx, TunnelException e) {
            result.completeExceptionally(e);
            ctx.close();
        }
    }

    @ChannelHandler.Sharable
    private static final class RefusePush extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }
}
