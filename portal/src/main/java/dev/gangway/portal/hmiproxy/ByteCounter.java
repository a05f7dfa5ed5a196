package dev.gangway.portal.hmiproxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes of a browser connection for its HMI session. It sits first in the pipeline, so it counts wire
 * bytes of HTTP and of upgraded WebSockets alike, and stays when the HTTP codec leaves. Bytes seen before the
 * connection's session is known are added when it is.
 */
final class ByteCounter extends ChannelDuplexHandler {

    private HmiSession session;
    private long fromBrowser;
    private long toBrowser;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        long bytes = size(msg);
        if (session != null) {
            session.countFromBrowser(bytes);
        } else {
            fromBrowser += bytes;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        long bytes = size(msg);
        if (session != null) {
            session.countToBrowser(bytes);
        } else {
            toBrowser += bytes;
        }
        ctx.write(msg, promise);
    }

    /** Called on the connection's event loop once its first request was accepted for a session. */
    void bind(HmiSession session) {
        this.session = session;
        session.countFromBrowser(fromBrowser);
        session.countToBrowser(toBrowser);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
