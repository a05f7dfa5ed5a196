package dev.gangway.tunnel;

import java.security.cert.X509Certificate;

/**
 * The access server's last word on a stream a stream client asks for, after the relay verified the ticket (signature,
 * expiry, single use) and its holder: for example whether the user still holds the right to forward to that device.
 * Called for every stream of the stream-client leg, on the relay's authorization pool (never on an event loop), so
 * it may block briefly (a database lookup). Not called for {@link RelayServer#openStream(String)} (in-process).
 */
@FunctionalInterface
public interface StreamAuthorizer {

    /** Lets every verified ticket through. */
    StreamAuthorizer ALLOW_ALL = (ticket, certificate) -> { };

    /**
     * Returns to admit the stream, or throws to refuse it.
     *
     * @param certificate the client certificate of the connection (already chain-checked by TLS), or null if it
     *     presented none
     * @throws TunnelException the refusal sent to the client, typically {@link TunnelError#NO_RIGHT}
     */
    void authorize(StreamTicket ticket, X509Certificate certificate) throws TunnelException;
}
