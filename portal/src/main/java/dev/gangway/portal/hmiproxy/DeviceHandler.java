package dev.gangway.portal.hmiproxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler on a device stream: hands every event to the browser connection's event loop, where
 * {@link ProxyConnection} keeps all its state on one thread. During a WebSocket switch it keeps raw bytes
 * instead, until the splice takes the stream over.
 */
final class DeviceHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(DeviceHandler.class);

    private final ProxyConnection connection;
    private final EventExecutor browserLoop;
    private List<ByteBuf> kept;

    DeviceHandler(ProxyConnection connection, EventExecutor browserLoop) {
        this.connection = connection;
        this.browserLoop = browserLoop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (kept != null) {
            if (msg instanceof ByteBuf buf) {
                kept.add(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        onBrowserLoop(() -> connection.onDeviceMessage(ctx.channel(), msg), msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onBrowserLoop(() -> connection.onDeviceClosed(ctx.channel()), null);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        onBrowserLoop(() -> connection.onDeviceWritabilityChanged(ctx.channel()), null);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Device stream failed", cause);
        ctx.close();
    }

    /** From now on (called on the device stream's event loop) raw bytes stay here instead of going on. */
    void keepBytes() {
        kept = new ArrayList<>();
    }

    /** The bytes kept since {@link #keepBytes()}; called on the device stream's event loop. */
    List<ByteBuf> keptBytes() {
        List<ByteBuf> bytes = kept == null ? List.of() : kept;
        kept = new ArrayList<>();
        return bytes;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (kept != null) {
            kept.forEach(ReferenceCountUtil::release);
            kept = null;
        }
    }

    private void onBrowserLoop(Runnable task, Object msg) {
        try {
            browserLoop.execute(task);
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(msg);
        }
    }
}
