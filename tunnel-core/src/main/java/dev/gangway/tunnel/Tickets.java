package dev.gangway.tunnel;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;

/**
 * Signing and verifying stream tickets (Ed25519). The access server signs; relays verify with its public key.
 * The encoded form is URL- and header-safe ASCII.
 */
public final class Tickets {

    private Tickets() {
    }

    /** A new Ed25519 key pair for the access server's ticket signing. */
    public static KeyPair generateKeyPair() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Signs a ticket. */
    public static String sign(StreamTicket ticket, PrivateKey key) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Verifies signature, format and expiry.
     *
     * @throws TunnelException {@link TunnelError#BAD_TICKET} or {@link TunnelError#TICKET_EXPIRED}
     */
    public static StreamTicket verify(String token, PublicKey key, Clock clock) throws TunnelException {
        throw new UnsupportedOperationException("TODO");
    }
}
