package dev.gangway.tunnel;

/**
 * The fixed wire vocabulary of the Gangway tunnel.
 *
 * <p>A device agent dials the relay over TCP and TLS 1.3 with ALPN {@link #ALPN_DEVICE_TUNNEL}; after the
 * handshake the roles are reversed: the relay speaks the HTTP/2 <em>client</em> role on the connection the
 * agent opened, and every user connection to a LAN target is one HTTP/2 {@code CONNECT} stream whose
 * {@code :authority} is the LAN target ({@code host:port}). A portal or client that wants a stream dials the
 * relay with ALPN {@link #ALPN_STREAM_CLIENT} and is an ordinary HTTP/2 client: it sends {@code CONNECT}
 * with the signed ticket in {@link #HEADER_TICKET}; the relay splices that stream to a new stream on the
 * device's tunnel.
 */
public final class TunnelProtocol {

    /** ALPN protocol id for a device agent's tunnel; the version is part of the id. */
    public static final String ALPN_DEVICE_TUNNEL = "gangway-tunnel/1";

    /** ALPN protocol id for a portal or client asking the relay for streams. */
    public static final String ALPN_STREAM_CLIENT = "gangway-stream/1";

    /** Protocol version carried in {@link #HEADER_VERSION} on every request. */
    public static final int VERSION = 1;

    /** Request header: the protocol version of the sender. */
    public static final String HEADER_VERSION = "gangway-version";

    /** Request header on stream-client {@code CONNECT}s: the signed stream ticket. */
    public static final String HEADER_TICKET = "gangway-ticket";

    /** Response header: a {@link TunnelError} name explaining a refusal. */
    public static final String HEADER_ERROR = "gangway-error";

    /**
     * Response header on the agent's answer to {@link #PATH_AGENT_INFO}: the agent's keepalive interval on this
     * connection in milliseconds (decimal digits). The relay then PINGs the tunnel only after 1.5 times that much
     * silence. The agent's keepalive PINGs carry it too, in their data ({@code "gwka"} then the milliseconds as a
     * big-endian u32), so that a change on a live connection reaches the relay.
     */
    public static final String HEADER_KEEPALIVE_MS = "gangway-keepalive-ms";

    /** Path of the agent-information request the relay sends after a tunnel comes up ({@code GET}). */
    public static final String PATH_AGENT_INFO = "/gangway/v1/agent-info";

    /**
     * Path of the relay's alarm long poll ({@code GET}, query {@code ack=<sequence>}): the agent forgets the alarms
     * up to {@code ack} and answers {@code 200 {"alarms":[...]}} as soon as it holds later ones, or after
     * {@link #ALARMS_HOLD} with none; {@code 404} means the agent has no alarms.
     */
    public static final String PATH_ALARMS = "/gangway/v1/alarms";

    /** Most alarms in one answer to {@link #PATH_ALARMS}. */
    public static final int MAX_ALARMS_PER_ANSWER = 100;

    /** Largest body of an answer to {@link #PATH_ALARMS} (1 MiB). */
    public static final int MAX_ALARMS_ANSWER_BYTES = 1 << 20;

    /**
     * How long the agent holds an alarm poll open when it has nothing to send: long, because every empty answer
     * and the next request cost a few hundred bytes on sites billed per megabyte (15 minutes: about 30 KB a day;
     * the tunnel's own keepalive keeps NAT state and finds dead peers meanwhile).
     */
    public static final java.time.Duration ALARMS_HOLD = java.time.Duration.ofMinutes(15);

    private TunnelProtocol() {
    }
}
