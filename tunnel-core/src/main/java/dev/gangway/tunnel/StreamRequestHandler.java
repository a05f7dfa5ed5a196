package dev.gangway.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Base of the handlers that serve one request on an inbound HTTP/2 stream (the agent's CONNECT and agent-info
 * requests, the relay's ticketed CONNECT): reads until the request's HEADERS frame, hands its headers to
 * {@link #request} once, and releases whatever else arrives before the handler replaces itself.
 *
 * <p>Stream channels are auto-read off, so this asks for each read itself.
 */
abstract class StreamRequestHandler extends ChannelInboundHandlerAdapter {

    private boolean requested;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (requested) {
                return;
            }
            if (!(msg instanceof Http2HeadersFrame frame)) {
                ctx.read();
                return;
            }
            requested = true;
            request(ctx, frame.headers());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The stream's request headers, once. */
    abstract void request(ChannelHandlerContext ctx, Http2Headers headers);
}
