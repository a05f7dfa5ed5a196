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
 * Joins two channels carrying raw bytes with backpressure: auto-read off, read from one side only after a write
 * to the other succeeded, close both when either ends (after flushing).
 *
 * <h2>Flow</h2> Each side is read in bursts: auto-read is switched on for one read cycle (so a burst drains
 * what the socket or the stream's queue already holds, at most the channel's {@code maxMessagesPerRead}
 * messages) and off again at {@code channelReadComplete}, where the burst is flushed to the other side once.
 * The next burst starts only when the last write of the previous one has completed, so at most one burst per
 * direction is in flight and a slow side slows the other down instead of growing a buffer. For an HTTP/2
 * stream this also means window credit goes back only after the bytes moved on. Large bursts matter when the
 * two sides live on different event loops: every burst costs a hand-over between threads.
 *
 * <h2>End</h2> When one side closes, the other is closed after it wrote out what it still holds (at most
 * 30 s later). An exception on either side closes it.
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
        readBurst(a);
        readBurst(b);
    }

    /** Reads one burst: auto-read stays on until this channel's next {@code channelReadComplete}. */
    private static void readBurst(Channel channel) {
        channel.config().setAutoRead(true);
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

    /** One direction: what this channel reads goes to {@code peer}. */
    private static final class Half extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private ChannelFuture lastWrite;

        Half(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastWrite = peer.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ChannelFuture written = lastWrite;
            if (written == null) {
                // A burst that produced no bytes (e.g. an empty frame): keep reading or the splice would stall.
                return;
            }
            lastWrite = null;
            ctx.channel().config().setAutoRead(false);
            peer.flush();
            written.addListener(f -> {
                if (f.isSuccess()) {
                    readBurst(ctx.channel());
                } else {
                    ctx.close();
                    peer.close();
                }
            });
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
