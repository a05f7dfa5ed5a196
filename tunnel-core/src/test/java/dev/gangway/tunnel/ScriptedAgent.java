package dev.gangway.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A device agent that answers the relay's alarm polls from a script, byte for byte: hostile, broken or slow answers
 * the real {@link TunnelClient} never sends. Answers agent-info with {@code {}}; a poll with no script entry left is
 * never answered.
 */
final class ScriptedAgent implements AutoCloseable {

    /** Every alarm poll's path, in order. */
    final List<String> polls = new CopyOnWriteArrayList<>();
    private final Queue<Consumer<ChannelHandlerContext>> script = new ConcurrentLinkedQueue<>();
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private Channel channel;

    ScriptedAgent then(Consumer<ChannelHandlerContext> answer) {
        script.add(answer);
        return this;
    }

    void connect(InetSocketAddress relay, SslContext tls) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), relay.getHostString(), relay.getPort()));
                        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler("") {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                ctx.pipeline().addLast(H2.codec(true, 10));
                                ctx.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Answerer());
                                    }
                                }));
                            }
                        });
                    }
                }).connect(relay).sync().channel();
    }

    private final class Answerer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof Http2HeadersFrame frame)) {
                    return;
                }
                String path = String.valueOf(frame.headers().path());
                if (path.equals(TunnelProtocol.PATH_AGENT_INFO)) {
                    ok(ctx, "{}");
                } else if (path.startsWith(TunnelProtocol.PATH_ALARMS)) {
                    polls.add(path);
                    Consumer<ChannelHandlerContext> answer = script.poll();
                    if (answer != null) {
                        answer.accept(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    // ---- answers ----

    static void ok(ChannelHandlerContext ctx, String body) {
        ok(ctx, body.getBytes(StandardCharsets.UTF_8));
    }

    static void ok(ChannelHandlerContext ctx, byte[] body) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
    }

    static void status(ChannelHandlerContext ctx, String status) {
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), true));
    }

    static void reset(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
    }

    /** {@code 200}, then {@code frames} DATA frames of 60,000 bytes each, never ending the stream. */
    static void flood(ChannelHandlerContext ctx, int frames) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        for (int i = 0; i < frames; i++) {
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[60_000]), false));
        }
        ctx.flush();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
