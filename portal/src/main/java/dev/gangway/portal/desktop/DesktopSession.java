package dev.gangway.portal.desktop;

import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * One remote desktop shown in one browser tab, as Guacamole instructions.
 *
 * <p>Lifecycle and threads: the WebSocket tunnel calls {@link #run} once, on a thread of its own for this session,
 * after it sent the tunnel UUID; {@code run} connects, sends the drawing instructions to the sink and returns only
 * when the session is over. {@link #receive} is called from the WebSocket's threads for every instruction the
 * browser sends except the tunnel's internal ones (ping); {@link #close} may be called from any thread, any number
 * of times, and makes {@code run} return promptly (within a second) with the given end, having released everything
 * (sockets, threads, processes).
 */
public interface DesktopSession {

    /**
     * Runs the session until it ends, sending to {@code sink}; never throws, returns how it ended (the caller
     * sends it to the browser as an {@code error} instruction unless it is {@code SUCCESS}, and records it).
     */
    DesktopEnd run(GuacSink sink);

    /** An instruction from the browser: {@code sync}, {@code key}, {@code mouse}, {@code size}, streams... */
    void receive(GuacamoleInstruction instruction);

    /** Ends the session from outside (tab closed, right removed, portal stopping). */
    void close(DesktopEnd reason);
}
