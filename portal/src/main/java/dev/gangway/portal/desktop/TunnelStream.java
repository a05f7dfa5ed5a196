package dev.gangway.portal.desktop;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One byte stream to a LAN service of a device, through its tunnel, seen as blocking streams. Reading blocks until
 * bytes arrive (the tunnel's flow control holds the device back while nobody reads); writing blocks while the
 * tunnel's window is full. Closing ends the tunnel stream; a blocked read then ends with an {@link java.io.IOException}
 * or end of stream. Bytes are counted for the connection report.
 */
public interface TunnelStream extends Closeable {

    /** Bytes from the LAN service. */
    InputStream input();

    /** Bytes towards the LAN service; flush sends them. */
    OutputStream output();

    /** Bytes read from the device so far. */
    long bytesFromDevice();

    /** Bytes written towards the device so far. */
    long bytesToDevice();

    /** Idempotent; never throws. */
    @Override
    void close();
}
