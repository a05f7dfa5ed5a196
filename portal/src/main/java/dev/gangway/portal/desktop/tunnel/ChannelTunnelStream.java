package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.desktop.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A device stream's Netty {@link Channel} (raw {@link ByteBuf}s, auto-read off, writability = the stream's
 * flow-control window, as {@code DeviceStreams.open} gives it) seen as blocking streams.
 *
 * <p>Reading: the channel is asked for more ({@code channel.read()}) only when what it delivered before has been
 * read, so at most one read's worth of bytes waits here and the tunnel's flow control holds the device back while
 * nobody reads. Writing: bytes collect in a small buffer ({@value #WRITE_CHUNK} bytes) that {@code flush} (or a
 * full buffer) sends; sending waits while the channel is not writable (the device's window is full).
 *
 * <p>Threads: one reader and one writer thread at a time (the desktop session's), any thread for {@link #close};
 * the channel's event loop delivers bytes. Closing (or the device ending the stream) wakes a blocked reader (end of
 * stream, or an {@link IOException} after {@link #close}) and a blocked writer ({@link IOException}).
 */
final class ChannelTunnelStream implements TunnelStream {

    /** Bytes the output collects before it sends them without a flush. */
    static final int WRITE_CHUNK = 16 * 1024;
    /**
     * How long a write waits for a device that takes no data (its flow-control window stays full) before the stream
     * is closed: browser input is written on the WebSocket's thread, which a stalled device must not hold forever.
     */
    static final long WRITE_STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Delivered, not yet read; guarded by {@link #lock}. */
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
    private final AtomicLong fromDevice = new AtomicLong();
    private final AtomicLong toDevice = new AtomicLong();
    private final Input input = new Input();
    private final Output output = new Output();
    /** Guarded by {@link #lock}. */
    private boolean readPending;
    private boolean endOfStream;
    private boolean closed;
    private Throwable failure;

    ChannelTunnelStream(Channel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        channel.config().setAutoRead(false);
        channel.pipeline().addLast("desktop-tunnel-stream", new Receiver());
        if (!channel.isActive()) {
            ended(null);
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public long bytesFromDevice() {
        return fromDevice.get();
    }

    @Override
    public long bytesToDevice() {
        return toDevice.get();
    }

    /** Whether {@link #close} was called or the device ended the stream. */
    boolean isEnded() {
        lock.lock();
        try {
            return closed || endOfStream;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            releaseReceived();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        channel.close();
    }

    private void releaseReceived() {
        ByteBuf buf;
        while ((buf = received.poll()) != null) {
            buf.release();
        }
    }

    /** The device ended the stream (or it failed): readers get what is left, then the end; writers an error. */
    private void ended(Throwable cause) {
        lock.lock();
        try {
            endOfStream = true;
            if (cause != null && failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a change, a second at most (a missed wake-up costs no more than that). */
    private void await() throws InterruptedIOException {
        try {
            changed.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the device");
        }
    }

    /** On the channel's event loop. */
    private final class Receiver extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            lock.lock();
            try {
                if (closed || buf.readableBytes() == 0) {
                    buf.release();
                    return;
                }
                received.add(buf);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            lock.lock();
            try {
                readPending = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent || event instanceof ChannelInputShutdownReadComplete) {
                ended(null);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended(null);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ended(cause);
            ctx.close();
        }
    }

    private final class Input extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new IOException("the stream to the device was closed");
                    }
                    ByteBuf head = received.peek();
                    if (head != null) {
                        int n = Math.min(len, head.readableBytes());
                        head.readBytes(b, off, n);
                        if (head.readableBytes() == 0) {
                            received.poll().release();
                        }
                        fromDevice.addAndGet(n);
                        return n;
                    }
                    if (endOfStream) {
                        if (failure != null) {
                            throw new IOException("the stream to the device failed: " + failure.getMessage(),
                                    failure);
                        }
                        return -1;
                    }
                    if (!readPending) {
                        readPending = true;
                        channel.read();
                    }
                    await();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                int n = 0;
                for (ByteBuf buf : received) {
                    n += buf.readableBytes();
                }
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            ChannelTunnelStream.this.close();
        }
    }

    private final class Output extends OutputStream {

        private final byte[] buffer = new byte[WRITE_CHUNK];
        private int count;

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                flush();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (count == buffer.length) {
                    flush();
                }
                int n = Math.min(len, buffer.length - count);
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            if (count == 0) {
                checkOpen();
                return;
            }
            awaitWritable();
            ByteBuf chunk = Unpooled.copiedBuffer(buffer, 0, count);
            int n = count;
            count = 0;
            channel.writeAndFlush(chunk).addListener(done -> {
                if (!done.isSuccess()) {
                    ended(done.cause());
                }
            });
            toDevice.addAndGet(n);
        }

        private void awaitWritable() throws IOException {
            long deadline = System.nanoTime() + WRITE_STALL_NANOS;
            lock.lock();
            try {
                while (true) {
                    checkOpen();
                    if (channel.isWritable()) {
                        return;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        break;
                    }
                    await();
                }
            } finally {
                lock.unlock();
            }
            ChannelTunnelStream.this.close();
            throw new IOException("the device took no data for " + TimeUnit.NANOSECONDS.toSeconds(WRITE_STALL_NANOS)
                    + " s: the stream to it was closed");
        }

        private void checkOpen() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("the stream to the device was closed");
                }
                if (endOfStream || !channel.isActive()) {
                    throw new IOException(failure != null ? "the stream to the device failed: " + failure.getMessage()
                            : "the device closed the stream");
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            ChannelTunnelStream.this.close();
        }
    }
}
