package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The requesting side of one {@code CONNECT} stream: sends the request headers when the stream channel is
 * active, reads exactly the response headers, then either replaces itself with {@link StreamBytes} and
 * completes the future with the channel (on {@code 200}) or fails it with the {@link TunnelException} named
 * by {@link TunnelProtocol#HEADER_ERROR} and closes the stream.
 *
 * <h2>Lifecycle</h2> The stream channel must be auto-read off; after success nothing more is read until the
 * new owner calls {@code read()}, so no byte can reach a pipeline without handlers.
 */
final class ConnectRequest extends ChannelInboundHandlerAdapter {

    private final Http2Headers request;
    private final CompletableFuture<Channel> result;
    private final Duration timeout;
    private final StreamBytes.Counter counter;
    private ScheduledFuture<?> expiry;

    ConnectRequest(Http2Headers request, CompletableFuture<Channel> result, Duration timeout, StreamBytes.Counter counter) {
        this.request = request;
        this.result = result;
        this.timeout = timeout;
        this.counter = counter;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    private void start(ChannelHandlerContext ctx) {
        if (expiry != null) {
            return;
        }
        expiry = ctx.executor().schedule(() -> fail(ctx, TunnelException.of(TunnelError.TIMEOUT,
                "no answer to the stream request within " + timeout.toMillis() + " ms")), timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(request, false)).addListener(f -> {
            if (!f.isSuccess()) {
                Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(f.cause());
                TunnelError error = h2 != null && h2.error() == Http2Error.REFUSED_STREAM
                        ? TunnelError.TOO_MANY_STREAMS : TunnelError.DEVICE_OFFLINE;
                fail(ctx, new TunnelException(error, error.description() + ": cannot open a stream on the tunnel: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (result.isDone()) {
                return;
            }
            if (msg instanceof Http2HeadersFrame frame) {
                Http2Headers headers = frame.headers();
                if (H2.STATUS_OK.contentEquals(headers.status()) && !frame.isEndStream()) {
                    cancelExpiry();
                    ctx.pipeline().replace(this, "stream-bytes", new StreamBytes(counter));
                    if (!result.complete(ctx.channel())) {
                        ctx.close();
                    }
                } else {
                    fail(ctx, H2.refusalOf(headers));
                }
            } else if (msg instanceof Http2ResetFrame reset) {
                fail(ctx, TunnelException.of(TunnelError.PROTOCOL, "stream reset (HTTP/2 error " + reset.errorCode() + ")"));
            } else {
                // Nothing else may come before the response headers; ask for the next frame.
                ctx.read();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, TunnelException.of(TunnelError.DEVICE_OFFLINE, "the tunnel closed before the stream was answered"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, new TunnelException(TunnelError.PROTOCOL, "stream failed: " + cause.getMessage(), cause));
    }

    private void fail(ChannelHandlerContext ctx, TunnelException error) {
        cancelExpiry();
        result.completeExceptionally(error);
        ctx.close();
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
    }
}
