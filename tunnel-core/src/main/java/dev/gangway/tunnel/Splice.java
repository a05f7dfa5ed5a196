package dev.gangway.tunnel;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins two channels carrying raw bytes with backpressure, and closes both when either ends (after flushing).
 *
 * <h2>Flow</h2> Both sides read with auto-read on; what one side reads is written to the other without a flush,
 * and the whole read burst is flushed once at {@code channelReadComplete}. Backpressure follows writability:
 * when the other side turns unwritable (its outbound buffer passed the high water mark, or an HTTP/2 stream ran
 * out of window), the reading side stops reading until the other side is writable again. So what one direction
 * buffers is bounded by the water marks plus one read burst, and an HTTP/2 stream that is not read holds at
 * most its stream window; a slow side slows the other down instead of growing a buffer.
 *
 * <h2>End</h2> When one side closes, the other is closed after it wrote out what it still holds (at most
 * 30 s later). An exception on either side, or a failed write, closes it.
 */
public final class Splice {

    private static final Logger log = LoggerFactory.getLogger(Splice.class);
    /** How long a closing side may take to write out what it still holds. */
    static final Duration LINGER = Duration.ofSeconds(30);

    private Splice() {
    }

    /** Starts relaying between {@code a} and {@code b}; both must carry {@link io.netty.buffer.ByteBuf}s. */
    public static void bridge(Channel a, Channel b) {
        prepare(a);
        prepare(b);
        a.pipeline().addLast("splice", new Half(b));
        b.pipeline().addLast("splice", new Half(a));
        if (!a.isActive() || !b.isActive()) {
            closeAfterFlush(a);
            closeAfterFlush(b);
            return;
        }
        a.config().setAutoRead(true);
        b.config().setAutoRead(true);
    }

    private static void prepare(Channel channel) {
        channel.config().setAutoRead(false);
        if (channel.config() instanceof SocketChannelConfig socket) {
            socket.setOption(ChannelOption.TCP_NODELAY, true);
        }
    }

    /**
     * Writes an empty buffer and closes once it (and so everything before it) was written, or after
     * {@link #LINGER} at the latest: a peer that stopped reading must not pin the connection and its buffers.
     */
    static void closeAfterFlush(Channel channel) {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        ChannelFuture flushed = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
        flushed.addListener(ChannelFutureListener.CLOSE);
        if (!flushed.isDone()) {
            ScheduledFuture<?> linger = channel.eventLoop().schedule(() -> {
                channel.close();
            }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> linger.cancel(false));
        }
    }

    /**
     * One direction: what this channel reads goes to {@code peer}. It also watches this channel's writability,
     * which gates reading from {@code peer} (the other direction).
     */
    private static final class Half extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private boolean wrote;

        Half(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // A failed write fires exceptionCaught on the peer, whose half closes it (and so this side, after a flush).
            peer.write(msg, peer.voidPromise());
            wrote = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!wrote) {
                return;
            }
            wrote = false;
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                // The peer may live on another event loop and may have drained meanwhile; its writability event
                // could have come before the line above, so look again rather than wait for one that is past.
                if (peer.isWritable()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                peer.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(peer);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("splice {} closed: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
