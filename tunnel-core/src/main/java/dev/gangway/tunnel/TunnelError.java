package dev.gangway.tunnel;

/** Why the tunnel refused or ended something; the wire code goes in {@link TunnelProtocol#HEADER_ERROR} and GOAWAY debug data. */
public enum TunnelError {
    PROTOCOL(1, "protocol error"),
    UNSUPPORTED_VERSION(2, "unsupported protocol version"),
    UNKNOWN_DEVICE(3, "unknown device certificate"),
    REVOKED(4, "certificate revoked"),
    DUPLICATE_TUNNEL(5, "this certificate already holds a live tunnel"),
    BAD_TICKET(6, "invalid ticket"),
    TICKET_EXPIRED(7, "ticket expired"),
    DEVICE_OFFLINE(8, "device offline"),
    TARGET_NOT_ALLOWED(9, "target not allowed by the device's configuration"),
    TARGET_UNREACHABLE(10, "target unreachable on the device's LAN"),
    TOO_MANY_STREAMS(11, "too many streams on this tunnel"),
    DRAINING(12, "relay is draining this tunnel"),
    TIMEOUT(13, "timed out"),
    INTERNAL(14, "internal error"),
    /** Dialling side only (agent, stream client): the HTTP proxy to the relay refused or could not be reached; never on the wire. */
    PROXY_REFUSED(15, "the HTTP proxy refused the connection to the relay"),
    /** The access server refused the stream: the user does not (or no longer) hold the right for it. */
    NO_RIGHT(16, "the user has no right to this stream"),
    /** The site's key switch is off: the agent closed its tunnel (GOAWAY from the agent) and keeps it closed. */
    SITE_DISABLED(17, "remote access disabled on site"),
    /** An on-demand device was sent offline by the portal (GOAWAY from the relay): it stays offline until woken. */
    SENT_OFFLINE(18, "sent offline by the portal"),
    /** An on-demand device hung up after its idle time without a stream (GOAWAY from the agent). */
    IDLE_TIMEOUT(19, "on-demand tunnel idle; hung up"),
    /**
     * The relay is shutting down (GOAWAY {@code NO_ERROR} from the relay): the agent redials after its first, jittered
     * backoff step instead of at once, so that a fleet does not hit a restarting relay all in the same second. Older
     * agents do not know the name and take it as a plain drain (they redial at once).
     */
    RELAY_SHUTDOWN(20, "relay is shutting down");

    private final int code;
    private final String description;

    TunnelError(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The error for a wire code or name; {@link #PROTOCOL} when unknown. */
    public static TunnelError fromWire(String nameOrCode) {
        if (nameOrCode != null) {
            for (TunnelError e : values()) {
                if (e.name().equals(nameOrCode) || String.valueOf(e.code).equals(nameOrCode)) {
                    return e;
                }
            }
        }
        return PROTOCOL;
    }
}
