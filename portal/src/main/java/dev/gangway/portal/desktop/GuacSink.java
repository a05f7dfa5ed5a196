package dev.gangway.portal.desktop;

import java.io.IOException;

/**
 * Where a desktop session's Guacamole instructions go: the browser's WebSocket. Thread-safe; each call sends
 * whole, already encoded instructions ({@code 4.sync,8.12345678;}), possibly several in one string, in one
 * WebSocket message, and blocks while the browser's side is congested.
 */
@FunctionalInterface
public interface GuacSink {

    /**
     * Sends encoded instructions.
     *
     * @throws IOException when the browser is gone; the session then ends
     */
    void send(String instructions) throws IOException;
}
