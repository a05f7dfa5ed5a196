package dev.gangway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The relay's {@code GET /gangway/v1/agent-info} on a fresh tunnel: collects at most
 * {@value H2#MAX_AGENT_INFO_BYTES} bytes of body within a timeout. Completes with the body text, or with an
 * empty string when the agent answers anything else (never exceptionally). A {@code 200} answer's
 * {@link TunnelProtocol#HEADER_KEEPALIVE_MS} (the agent's keepalive interval) goes to {@code onKeepalive}.
 */
final class AgentInfoRequest extends ChannelInboundHandlerAdapter {

    private final CompletableFuture<String> result;
    private final Duration timeout;
    private final Consumer<Duration> onKeepalive;
    private ByteBuf body;
    private ScheduledFuture<?> expiry;

    AgentInfoRequest(CompletableFuture<String> result, Duration timeout, Consumer<Duration> onKeepalive) {
        this.result = result;
        this.timeout = timeout;
        this.onKeepalive = onKeepalive;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (expiry != null) {
            return;
        }
        body = ctx.alloc().buffer(1024);
        expiry = ctx.executor().schedule(() -> finish(ctx, ""), timeout.toNanos(), TimeUnit.NANOSECONDS);
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").scheme("https").authority("agent").path(TunnelProtocol.PATH_AGENT_INFO)
                .set(TunnelProtocol.HEADER_VERSION, String.valueOf(TunnelProtocol.VERSION));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (result.isDone()) {
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                if (headers.headers().status() != null && !H2.STATUS_OK.contentEquals(headers.headers().status())) {
                    finish(ctx, "");
                    return;
                }
                Duration keepalive = keepaliveOf(headers.headers().get(TunnelProtocol.HEADER_KEEPALIVE_MS));
                if (keepalive != null) {
                    onKeepalive.accept(keepalive);
                }
                if (headers.isEndStream()) {
                    finish(ctx, body.toString(StandardCharsets.UTF_8));
                }
            } else if (msg instanceof Http2DataFrame data) {
                if (body.readableBytes() + data.content().readableBytes() > H2.MAX_AGENT_INFO_BYTES) {
                    finish(ctx, "");
                    return;
                }
                body.writeBytes(data.content());
                if (data.isEndStream()) {
                    finish(ctx, body.toString(StandardCharsets.UTF_8));
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** 1 to 10 decimal digits of milliseconds, or null (anything else is ignored: the relay keeps its own timing). */
    static Duration keepaliveOf(CharSequence value) {
        if (value == null || value.length() == 0 || value.length() > 10) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return null;
            }
        }
        long ms = Long.parseLong(value.toString());
        return ms == 0 ? null : Duration.ofMillis(ms);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx, "");
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ctx, "");
    }

    private void finish(ChannelHandlerContext ctx, String text) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        releaseBody();
        result.complete(text);
        ctx.close();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
