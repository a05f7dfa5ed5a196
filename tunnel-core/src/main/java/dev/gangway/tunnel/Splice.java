package dev.gangway.tunnel;

import io.netty.channel.Channel;

/**
 * Joins two channels carrying raw bytes with backpressure: auto-read off, read from one side only after a write
 * to the other succeeded, close both when either ends (after flushing).
 */
public final class Splice {

    private Splice() {
    }

    /** Starts relaying between {@code a} and {@code b}; both must carry {@link io.netty.buffer.ByteBuf}s. */
    public static void bridge(Channel a, Channel b) {
        throw new UnsupportedOperationException("TODO");
    }
}
