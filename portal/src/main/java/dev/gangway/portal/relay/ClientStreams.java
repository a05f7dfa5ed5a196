package dev.gangway.portal.relay;

import dev.gangway.tunnel.StreamAuthorizer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelException;

/**
 * The streams the Gangway client opens through the embedded relay (the stream-client leg, bound tickets only):
 * the access server's last word on each one ({@link #authorize}, on the relay's authorization pool, may read the
 * database) and what became of those it admitted (on the relay feature's event thread, never on an I/O thread).
 * Implemented by the client feature; declared here so the relay does not depend on it.
 */
public interface ClientStreams extends StreamAuthorizer {

    /** An admitted stream could not be opened on the device's tunnel (offline, refused by the agent, timeout). */
    void streamFailed(StreamTicket ticket, TunnelException error);

    /** An admitted stream ended; bytes counted at the relay. */
    void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice);

    /** The relay stopped: every stream it carried is gone. */
    void relayStopped();
}
