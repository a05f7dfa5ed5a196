package dev.gangway.portal.hmiproxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The device's web server in tests: records what reaches it and answers a few fixed paths, like the demo HMI. It
 * plays the device at 198.19.0.2:80, so the absolute URLs it sends name that origin.
 */
final class TestBackend implements AutoCloseable {

    static final String DEVICE_ORIGIN = "http://198.19.0.2";

    /** What one request looked like when it reached the device. */
    record Seen(String method, String uri, HttpHeaders headers, byte[] body) {
    }

    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;

    TestBackend() {
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(8 * 1024 * 1024))
                                .addLast(new Recorder())
                                .addLast(new ChunkedWriteHandler())
                                .addLast(new WebSocketServerProtocolHandler("/ws/echo"))
                                .addLast(new Echo())
                                .addLast(new Routes());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The next request the device saw, failing when none arrives. */
    Seen next() throws InterruptedException {
        Seen request = seen.poll(20, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the device saw no request");
        }
        return request;
    }

    static byte patternByte(long i) {
        return (byte) ((i * 31 + 7) & 0xFF);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                byte[] body = new byte[request.content().readableBytes()];
                request.content().getBytes(request.content().readerIndex(), body);
                seen.add(new Seen(request.method().name(), request.uri(),
                        new DefaultHttpHeaders().add(request.headers()), body));
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            ctx.writeAndFlush(frame.retain());
        }
    }

    private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (query.path()) {
                case "/download" -> download(ctx, Long.parseLong(query.parameters().get("size").get(0)));
                case "/close-quietly" -> {
                    // keep-alive by its headers, yet the connection ends right after: a device dropping idle streams
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, "closing quietly"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case "/close" -> {
                    FullHttpResponse response = text(HttpResponseStatus.OK, "closing");
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
                default -> {
                    FullHttpResponse response = route(query.path(), request);
                    if (!keepAlive) {
                        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    }
                    ctx.writeAndFlush(response)
                            .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                                    : ChannelFutureListener.CLOSE);
                }
            }
        }

        private static FullHttpResponse route(String path, FullHttpRequest request) {
            switch (path) {
                case "/redirect-absolute" -> {
                    return redirect(DEVICE_ORIGIN + "/page2");
                }
                case "/redirect-port" -> {
                    return redirect(DEVICE_ORIGIN + ":80/page2?x=1");
                }
                case "/redirect-relative" -> {
                    return redirect("/page2");
                }
                case "/redirect-foreign" -> {
                    return redirect("http://198.19.0.99/elsewhere");
                }
                case "/set-cookie" -> {
                    FullHttpResponse response = text(HttpResponseStatus.OK, "cookies");
                    response.headers()
                            .add(HttpHeaderNames.SET_COOKIE, "hmi_pref=1; Path=/; Domain=198.19.0.2")
                            .add(HttpHeaderNames.SET_COOKIE, "gangway_hmi=planted; Path=/")
                            .add(HttpHeaderNames.SET_COOKIE, "other=2; domain=.198.19.0.2; HttpOnly; Max-Age=60");
                    return response;
                }
                case "/upload" -> {
                    return text(HttpResponseStatus.OK, "received " + request.content().readableBytes());
                }
                default -> {
                    return text(HttpResponseStatus.OK, "hello from the device at " + request.uri());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the proxy cutting a request short is part of some tests
            ctx.close();
        }

        private static void download(ChannelHandlerContext ctx, long size) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                    .set(HttpHeaderNames.CONTENT_LENGTH, size);
            ctx.write(head);
            ctx.writeAndFlush(new HttpChunkedInput(new ChunkedStream(new Pattern(size), 16 * 1024)));
        }

        private static FullHttpResponse redirect(String location) {
            FullHttpResponse response = text(HttpResponseStatus.FOUND, "moved");
            response.headers().set(HttpHeaderNames.LOCATION, location);
            return response;
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            return response;
        }
    }

    /** The demo HMI's download body, generated on the fly. */
    private static final class Pattern extends InputStream {
        private final long size;
        private long position;

        Pattern(long size) {
            this.size = size;
        }

        @Override
        public int available() {
            // ChunkedStream sizes its chunks by this
            return (int) Math.min(Integer.MAX_VALUE, size - position);
        }

        @Override
        public int read() {
            return position < size ? patternByte(position++) & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = patternByte(position++);
            }
            return n;
        }
    }
}
