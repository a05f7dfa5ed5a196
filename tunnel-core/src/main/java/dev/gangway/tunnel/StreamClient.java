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
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
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
 * <h2>HTTP proxy</h2> With a {@link ProxySettings} the connection starts with an HTTP {@code CONNECT} to the relay
 * (Basic or NTLM authentication, see {@link ProxySettings}), as the agent's does; TLS starts once the proxy answered 200. The
 * relay's name goes to the proxy unresolved; the proxy's own name is resolved by {@link #connect} in the calling
 * thread. A refusal (407, 403, proxy unreachable or unknown) fails {@link #connect} with
 * {@link TunnelError#PROXY_REFUSED} and a message a user can act on.
 *
 * <h2>Errors</h2> {@link #connect} fails with a {@link TunnelException}: {@link TunnelError#DEVICE_OFFLINE} when
 * the relay cannot be reached, {@link TunnelError#PROXY_REFUSED} for the proxy step,
 * {@link TunnelError#PROTOCOL} when TLS fails (e.g. the relay refused the client certificate),
 * {@link TunnelError#UNSUPPORTED_VERSION} when the relay does not speak the stream protocol.
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

    /** Connects directly and completes the TLS and HTTP/2 handshakes. */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context) {
        return connect(relay, context, (ProxySettings) null);
    }

    /**
     * Connects through an HTTP proxy ({@code null}: directly) and completes the TLS and HTTP/2 handshakes.
     * The client has an event loop of its own, shut down by {@link #close()}.
     */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context,
            ProxySettings proxy) {
        EventLoopGroup group = Transport.newGroup(1, "gangway-stream-client");
        CompletableFuture<StreamClient> result = connect(relay, context, group, group, proxy);
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
        return connect(relay, context, group, null, null);
    }

    /**
     * Connects on a shared event loop group through an HTTP proxy ({@code null}: directly); {@link #close()} does
     * not shut the group down.
     */
    public static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context,
            EventLoopGroup group, ProxySettings proxy) {
        return connect(relay, context, group, null, proxy);
    }

    private static CompletableFuture<StreamClient> connect(InetSocketAddress relay, SslContext context,
            EventLoopGroup group, EventLoopGroup owned, ProxySettings proxy) {
        if (context == null || !context.isClient()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a client SslContext is needed (TunnelTls.forStreamClient)"));
        }
        if (relay == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the relay address is missing"));
        }
        ProxyStep proxyStep = null;
        if (proxy != null) {
            try {
                proxyStep = new ProxyStep(proxy, relay);
            } catch (TunnelException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<StreamClient> result = new CompletableFuture<>();
        ProxyStep step = proxyStep;
        Bootstrap bootstrap = new Bootstrap();
        if (step != null) {
            // The proxy resolves the relay's name: behind a proxy the client often has no DNS for the internet.
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
        }
        bootstrap
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
                        if (step != null) {
                            ch.pipeline().addLast("proxy", step.handler(result));
                        }
                        ch.pipeline().addLast("tls", tls);
                        ch.pipeline().addLast("alpn", new Alpn(result, owned, step));
                    }
                })
                .connect(step == null ? relay : step.unresolvedRelay)
                .addListener(f -> {
                    if (f.isSuccess()) {
                        return;
                    }
                    if (step != null) {
                        result.completeExceptionally(step.failure(f.cause()));
                    } else {
                        result.completeExceptionally(new TunnelException(TunnelError.DEVICE_OFFLINE,
                                "cannot connect to relay " + relay + ": " + RelayConnection.brief(f.cause()), f.cause()));
                    }
                });
        return result;
    }

    /** The HTTP proxy step of one connection. */
    private static final class ProxyStep {
        private final ProxySettings proxy;
        private final InetSocketAddress address;
        private final InetSocketAddress unresolvedRelay;
        private final String relay;

        /** Resolves the proxy's name now (the event loop must not block on DNS). */
        ProxyStep(ProxySettings proxy, InetSocketAddress relay) throws TunnelException {
            this.proxy = proxy;
            InetSocketAddress resolved = proxy.address().isUnresolved()
                    ? new InetSocketAddress(proxy.address().getHostString(), proxy.address().getPort())
                    : proxy.address();
            if (resolved.isUnresolved()) {
                throw new TunnelException(TunnelError.PROXY_REFUSED, "cannot find the HTTP proxy " + proxy.where()
                        + ": unknown host");
            }
            this.address = resolved;
            this.unresolvedRelay = InetSocketAddress.createUnresolved(relay.getHostString(), relay.getPort());
            this.relay = relay.getHostString() + ":" + relay.getPort();
        }

        ProxyHandler handler(CompletableFuture<StreamClient> result) {
            ProxyHandler h = proxy.newHandler(address);
            h.setConnectTimeoutMillis(CONNECT_TIMEOUT.toMillis());
            h.connectFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(failure(f.cause()));
                }
            });
            return h;
        }

        /** A failure of the connection, in the user's words when the proxy step caused it. */
        TunnelException failure(Throwable cause) {
            return ProxyFailure.describe(proxy, relay, proxyCause(cause));
        }

        /** The proxy handler's own exception if it is in the chain, else the cause itself. */
        static Throwable proxyCause(Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof ProxyConnectException) {
                    return t;
                }
            }
            return cause;
        }
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
        private final ProxyStep proxy;

        Alpn(CompletableFuture<StreamClient> result, EventLoopGroup owned, ProxyStep proxy) {
            this.result = result;
            this.owned = owned;
            this.proxy = proxy;
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
            p.addLast("keepalive", Keepalive.plain(KEEPALIVE_INTERVAL, KEEPALIVE_TIMEOUT,
                    reason -> log.warn("relay {} is not answering: {}", ctx.channel().remoteAddress(), reason)));
            p.addLast("h2-streams", new Http2MultiplexHandler(new RefusePush()));
            p.addLast("events", new RelayConnection.LastHandler("relay"));
            if (!result.complete(new StreamClient(ctx.channel(), owned))) {
                ctx.close();
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, isProxyFailure(cause) ? proxy.failure(cause)
                    : new TunnelException(TunnelError.PROTOCOL, "TLS with the relay failed: "
                    + RelayConnection.brief(cause), cause));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, isProxyFailure(cause) ? proxy.failure(cause)
                    : new TunnelException(TunnelError.PROTOCOL, "connection to the relay failed: "
                    + RelayConnection.brief(cause), cause));
        }

        private boolean isProxyFailure(Throwable cause) {
            return proxy != null && ProxyStep.proxyCause(cause) instanceof ProxyConnectException;
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
