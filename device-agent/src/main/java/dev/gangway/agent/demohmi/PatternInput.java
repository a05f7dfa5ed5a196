package dev.gangway.agent.demohmi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * The download body: byte {@code i} is {@code (i * 31 + 7) & 0xFF}, produced chunk by chunk as the connection
 * can take it (the ChunkedWriteHandler pulls only while the channel is writable), so no size allocates more than
 * one chunk.
 */
final class PatternInput implements ChunkedInput<ByteBuf> {

    static final int CHUNK = 16 * 1024;
    /** The pattern repeats every 256 bytes; one chunk plus a period lets any offset be copied in one go. */
    private static final byte[] TABLE = new byte[CHUNK + 256];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = patternByte(i);
        }
    }

    private final long length;
    private long offset;

    PatternInput(long length) {
        this.length = length;
    }

    static byte patternByte(long i) {
        return (byte) ((i * 31 + 7) & 0xFF);
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= length;
    }

    @Override
    public void close() {
        offset = length;
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        int size = (int) Math.min(CHUNK, length - offset);
        ByteBuf chunk = allocator.buffer(size);
        chunk.writeBytes(TABLE, (int) (offset & 0xFF), size);
        offset += size;
        return chunk;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return offset;
    }
}
