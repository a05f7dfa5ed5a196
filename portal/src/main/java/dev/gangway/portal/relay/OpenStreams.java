package dev.gangway.portal.relay;

import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelError;
import java.util.function.Predicate;

/**
 * Ends streams of the embedded relay before their ends close them: for features whose streams must not outlive
 * the right they were opened under (the client's port forwards when a user's access ends or shrinks). Implemented
 * by the embedded relay ({@link dev.gangway.tunnel.RelayServer#closeStreams}).
 */
public interface OpenStreams {

    /**
     * Ends every stream of the relay (open, or still being authorized or opened) whose ticket matches, now: an open
     * stream is reset on its device's tunnel and its stream client's stream closed, with the usual
     * {@code streamClosed} (and its bytes); one being opened is refused with {@code reason}. {@code which} runs on
     * the calling thread, once per stream. Thread-safe; returns how many streams were cut (0 when the relay is
     * not running).
     */
    int closeStreams(Predicate<StreamTicket> which, TunnelError reason);
}
