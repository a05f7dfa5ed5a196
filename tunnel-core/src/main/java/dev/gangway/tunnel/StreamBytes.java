package dev.gangway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns an HTTP/2 stream channel into a raw byte channel, once its {@code CONNECT} was answered {@code 200}.
 *
 * <h2>Data</h2> Inbound DATA frames are passed on as their {@link ByteBuf} content; written {@link ByteBuf}s
 * become DATA frames. Empty inbound frames are dropped. Other stream frames written pass through untouched.
 *
 * <h2>End</h2> END_STREAM (on DATA or trailers) and RST_STREAM close the channel after the data before them
 * was passed on; closing the channel resets the stream unless both sides ended it.
 *
 * <h2>Flow control</h2> Consumed bytes go back to the peer's window when the channel is next read
 * ({@code read()}), so a reader that only reads after writing onward keeps at most one window buffered.
 * Writes complete when the frame reached the socket; the channel turns unwritable when frames wait for window.
 *
 * <h2>Reference counting</h2> Ownership of the frame's content passes downstream; frames not passed on are released.
 */
final class StreamBytes extends ChannelDuplexHandler {

    /** Byte counts of one stream, updated on the stream's event loop. */
    static final class Counter {
        volatile long written;
        volatile long read;
    }

    private final Counter counter;

    StreamBytes(Counter counter) {
        this.counter = counter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            boolean end = data.isEndStream();
            ByteBuf content = data.content();
            if (content.isReadable()) {
                if (counter != null) {
                    counter.read += content.readableBytes();
                }
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
            if (end) {
                ctx.close();
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            if (headers.isEndStream()) {
                ctx.close();
            }
        } else if (msg instanceof Http2ResetFrame) {
            ctx.close();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            if (counter != null) {
                counter.written += buf.readableBytes();
            }
            ctx.write(new DefaultHttp2DataFrame(buf, false), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
