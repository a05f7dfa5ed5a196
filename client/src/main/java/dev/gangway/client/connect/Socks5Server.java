package dev.gangway.client.connect;

import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.Splice;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A SOCKS5 server (RFC 1928) whose every {@code CONNECT} becomes a stream to that target on the device's LAN;
 * the SOCKS client picks the target, the portal and the device's agent decide whether it is allowed.
 *
 * <h2>Protocol</h2> Only "no authentication" (the listener is for this computer; other methods are answered
 * 0xFF and the connection closed) and only {@code CONNECT} ({@code BIND}/{@code UDP ASSOCIATE}: reply 0x07).
 * Targets may be IPv4, IPv6 or a domain name, which is passed on unresolved: the device's agent compares it with
 * its allowed services. Refusals are answered with the reply codes of {@link SocksReplies}.
 *
 * <h2>Hostile input</h2> A malformed greeting or request closes that connection only; a connection that has not
 * finished negotiating within 30 s is closed; bytes a client sends before the reply (at most 64 KiB) are kept and
 * forwarded once the stream is up.
 *
 * <h2>Lifecycle and threading</h2> Runs on the given event loop group (NIO); {@link #close()} stops listening
 * and closes every connection. {@link StreamSource#open} is called on the event loop and must not block.
 */
public final class Socks5Server implements AutoCloseable {

    static final Duration NEGOTIATION_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_EARLY_BYTES = 64 * 1024;
    private static final String INITIAL_DECODER = "socks-initial";
    private static final String COMMAND_DECODER = "socks-command";
    private static final String ENCODER = "socks-encoder";

    private final Channel server;
    private final ChannelGroup accepted;

    private Socks5Server(Channel server, ChannelGroup accepted) {
        this.server = server;
        this.accepted = accepted;
    }

    /** Listens on {@code bind} (port 0: any free one). */
    public static Socks5Server listen(InetSocketAddress bind, StreamSource streams, EventLoopGroup group)
            throws InterruptedException {
        ChannelGroup accepted = new DefaultChannelGroup("socks", GlobalEventExecutor.INSTANCE);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline()
                                .addLast(ENCODER, Socks5ServerEncoder.DEFAULT)
                                .addLast(INITIAL_DECODER, new Socks5InitialRequestDecoder())
                                .addLast("socks", new Negotiation(streams));
                    }
                })
                .bind(bind).sync().channel();
        return new Socks5Server(server, accepted);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** One client's negotiation, then the hand-over to {@link Splice}. */
    private static final class Negotiation extends ChannelInboundHandlerAdapter {
        private final StreamSource streams;
        private final Queue<ByteBuf> early = new ArrayDeque<>();
        private int earlyBytes;
        private boolean connecting;
        private ScheduledFuture<?> timeout;

        Negotiation(StreamSource streams) {
            this.streams = streams;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            timeout = ctx.executor().schedule(() -> {
                ctx.close();
            }, NEGOTIATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                earlyBytes(ctx, bytes);
            } else if (msg instanceof Socks5InitialRequest greeting) {
                greeting(ctx, greeting);
            } else if (msg instanceof Socks5CommandRequest request) {
                request(ctx, request);
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }

        private void earlyBytes(ChannelHandlerContext ctx, ByteBuf bytes) {
            if (!connecting || earlyBytes + bytes.readableBytes() > MAX_EARLY_BYTES) {
                bytes.release();
                ctx.close();
                return;
            }
            earlyBytes += bytes.readableBytes();
            early.add(bytes);
        }

        private void greeting(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
            if (greeting.decoderResult().isFailure() || ctx.pipeline().get(INITIAL_DECODER) == null) {
                ctx.close();
                return;
            }
            if (!greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().replace(INITIAL_DECODER, COMMAND_DECODER, new Socks5CommandRequestDecoder());
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
        }

        private void request(ChannelHandlerContext ctx, Socks5CommandRequest request) {
            if (connecting) {
                ctx.close();
                return;
            }
            if (request.decoderResult().isFailure()) {
                String why = String.valueOf(request.decoderResult().cause().getMessage()).toLowerCase(Locale.ROOT);
                if (why.contains("address type")) {
                    reply(ctx, Socks5CommandStatus.ADDRESS_UNSUPPORTED);
                } else {
                    ctx.close();
                }
                return;
            }
            if (!Socks5CommandType.CONNECT.equals(request.type())) {
                reply(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
                return;
            }
            LanTarget target;
            try {
                target = new LanTarget(request.dstAddr(), request.dstPort());
            } catch (IllegalArgumentException e) {
                reply(ctx, Socks5CommandStatus.FAILURE);
                return;
            }
            connecting = true;
            timeout.cancel(false);
            ctx.channel().config().setAutoRead(false);
            try {
                streams.open(target).whenComplete((remote, error) -> ctx.executor().execute(() -> {
                    if (error != null) {
                        reply(ctx, SocksReplies.status(error));
                    } else {
                        connected(ctx, remote);
                    }
                }));
            } catch (RuntimeException e) {
                reply(ctx, Socks5CommandStatus.FAILURE);
            }
        }

        private void connected(ChannelHandlerContext ctx, Channel remote) {
            Channel local = ctx.channel();
            if (!local.isActive()) {
                remote.close();
                releaseEarly();
                return;
            }
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4,
                    "0.0.0.0", 0)).addListener(written -> {
                        if (!written.isSuccess() || ctx.isRemoved()) {
                            remote.close();
                            releaseEarly();
                            local.close();
                            return;
                        }
                        // bytes still in the decoder reach this handler as it is removed
                        if (ctx.pipeline().get(COMMAND_DECODER) != null) {
                            ctx.pipeline().remove(COMMAND_DECODER);
                        }
                        ctx.pipeline().remove(ENCODER);
                        ctx.pipeline().remove(this);
                        ByteBuf bytes;
                        boolean any = false;
                        while ((bytes = early.poll()) != null) {
                            remote.write(bytes);
                            any = true;
                        }
                        if (any) {
                            remote.flush();
                        }
                        Splice.bridge(local, remote);
                    });
        }

        private void reply(ChannelHandlerContext ctx, Socks5CommandStatus status) {
            releaseEarly();
            if (!ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        private void releaseEarly() {
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                bytes.release();
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            releaseEarly();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            releaseEarly();
            ctx.close();
        }
    }
}
