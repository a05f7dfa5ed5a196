package dev.gangway.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP proxy on {@code 127.0.0.1} (random port, no authentication) that opens every {@code CONNECT} through the
 * configured upstream proxy with the tunnel's own handlers (Basic or NTLM, see {@link ProxySettings}) and then splices
 * the bytes. It lets the JDK {@code HttpClient}, which cannot do NTLM, reach an https portal through an NTLM proxy:
 * point its {@code ProxySelector} at {@link #address()}. Only {@code CONNECT} is served (a plain request gets 405):
 * with an NTLM proxy the portal must be https. A refused upstream step answers 502 and is kept in
 * {@link #lastFailure()} in the user's words.
 *
 * <p>Lifecycle: {@link #start} binds and runs one (daemon) event loop thread; {@link #close()} stops it and closes
 * every connection. Thread-safe. The splice has no flow control of its own: it is meant for the portal's small API
 * calls, not for bulk data (the tunnel and streams use the proxy handlers directly).
 */
public final class ProxyBridge implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final ProxySettings upstream;
    private final EventLoopGroup group;
    private volatile Channel server;
    private volatile TunnelException lastFailure;

    private ProxyBridge(ProxySettings upstream, EventLoopGroup group) {
        this.upstream = upstream;
        this.group = group;
    }

    /** Starts a bridge to {@code upstream} on 127.0.0.1 and a free port. */
    public static ProxyBridge start(ProxySettings upstream) {
        // daemon: a command-line client's portal calls must not keep the JVM alive
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("gangway-proxy-bridge", true),
                Transport.EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ProxyBridge bridge = new ProxyBridge(upstream, group);
        try {
            bridge.server = new ServerBootstrap()
                    .group(group)
                    .channel(Transport.serverChannel(group))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("http", new HttpServerCodec());
                            ch.pipeline().addLast("connect", bridge.new Accept());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .syncUninterruptibly()
                    .channel();
            return bridge;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Where the bridge listens (loopback). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Why the last {@code CONNECT} through the upstream proxy failed, in the user's words; null if none did. */
    public TunnelException lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Reads one request from the local client: a CONNECT opens the upstream tunnel. */
    private final class Accept extends SimpleChannelInboundHandler<HttpObject> {
        private boolean busy;
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request) || busy) {
                return; // request body parts (none for CONNECT) or data after the CONNECT before the answer
            }
            busy = true;
            if (!HttpMethod.CONNECT.equals(request.method())) {
                refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "this local bridge to " + upstream
                        + " only tunnels (CONNECT); use an https address");
                return;
            }
            String target = request.uri();
            int colon = target.lastIndexOf(':');
            int port;
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (RuntimeException e) {
                refuse(ctx, HttpResponseStatus.BAD_REQUEST, "CONNECT needs host:port");
                return;
            }
            String host = target.substring(0, colon).replace("[", "").replace("]", "");
            InetSocketAddress proxyAddress = upstream.address().isUnresolved()
                    ? new InetSocketAddress(upstream.address().getHostString(), upstream.address().getPort())
                    : upstream.address();
            if (proxyAddress.isUnresolved()) {
                fail(ctx, new TunnelException(TunnelError.PROXY_REFUSED, "cannot find the HTTP proxy "
                        + upstream.where() + ": unknown host"));
                return;
            }
            ctx.channel().config().setAutoRead(false);
            Channel local = ctx.channel();
            ProxyHandler handler = upstream.newHandler(proxyAddress);
            handler.setConnectTimeoutMillis(CONNECT_TIMEOUT.toMillis());
            Bootstrap bootstrap = new Bootstrap()
                    .group(local.eventLoop())
                    .channel(Transport.socketChannel(group))
                    .resolver(NoopAddressResolverGroup.INSTANCE)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("proxy", handler);
                            ch.pipeline().addLast("splice", new Splice(local));
                        }
                    });
            String relay = host + ":" + port; // the CONNECT target (the portal, for the HTTP API)
            Channel remote = bootstrap.connect(InetSocketAddress.createUnresolved(host, port)).addListener(
                    (ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            fail(ctx, ProxyFailure.describeTarget(upstream, relay, f.cause()));
                        }
                    }).channel();
            handler.connectFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, ProxyFailure.describeTarget(upstream, relay, f.cause()));
                    return;
                }
                answered = true;
                // Raw bytes from here on: the HTTP codec goes first, the CONNECT had no body.
                ctx.pipeline().remove("http");
                ctx.pipeline().replace(this, "splice", new Splice(remote));
                local.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 Connection established\r\n\r\n",
                        StandardCharsets.US_ASCII)).addListener((ChannelFutureListener) w -> {
                            if (!w.isSuccess()) {
                                remote.close();
                                return;
                            }
                            local.config().setAutoRead(true);
                        });
            });
            local.closeFuture().addListener(f -> remote.close());
        }

        private void fail(ChannelHandlerContext ctx, TunnelException failure) {
            if (answered) {
                return;
            }
            lastFailure = failure;
            refuse(ctx, HttpResponseStatus.BAD_GATEWAY, failure.getMessage());
        }

        private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
            if (answered || !ctx.channel().isActive()) {
                return;
            }
            answered = true;
            FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(why + "\n", StandardCharsets.UTF_8));
            answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.content().readableBytes());
            answer.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes what one side reads to the other; closes both when either ends. */
    private static final class Splice extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Splice(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent) {
                ReferenceCountUtil.release(msg); // nothing of HTTP is left once spliced
                return;
            }
            other.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
