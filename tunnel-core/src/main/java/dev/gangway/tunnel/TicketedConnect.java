package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's answer to one {@code CONNECT} from a stream client: verifies the {@code gangway-ticket} (signature,
 * expiry, holder = this connection's client certificate, single use), asks the {@link StreamAuthorizer}, opens
 * the matching stream on the device's tunnel, answers {@code 200} and splices the two streams, or answers the
 * refusal with {@link TunnelProtocol#HEADER_ERROR}.
 *
 * <h2>Lifecycle</h2> The client stream is auto-read off; exactly the request headers are read before the
 * answer, so bytes a client sends early wait (within the stream window) until the splice reads them. Once the
 * authorizer admitted a stream, the listener hears exactly one of {@link TunnelListener#streamOpened} (then
 * {@link TunnelListener#streamClosed}) or {@link TunnelListener#streamFailed}.
 *
 * <h2>Threading</h2> Runs on the stream-client connection's event loop; the authorizer runs on the relay's
 * authorization pool and its verdict comes back to this event loop.
 */
final class TicketedConnect extends StreamRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(TicketedConnect.class);

    /** Streams of one connection that may wait for their authorization or their device's answer at once. */
    static final int MAX_PENDING_PER_CONNECTION = 64;

    private final RelayServer relay;
    private final X509Certificate certificate;
    private final String fingerprint;
    private final AtomicInteger pending;
    private boolean counted;

    /**
     * @param certificate the client certificate the connection presented (chain-checked by TLS), or null
     * @param fingerprint its {@link Tickets#fingerprint}, or null
     * @param pending the connection's count of streams being authorized or opened, shared by its streams
     */
    TicketedConnect(RelayServer relay, X509Certificate certificate, String fingerprint, AtomicInteger pending) {
        this.relay = relay;
        this.certificate = certificate;
        this.fingerprint = fingerprint;
        this.pending = pending;
    }

    @Override
    void request(ChannelHandlerContext ctx, Http2Headers headers) {
        if (!"CONNECT".contentEquals(headers.method() == null ? "" : headers.method())) {
            refuse(ctx, TunnelException.of(TunnelError.PROTOCOL, "only CONNECT is served here"));
            return;
        }
        CharSequence version = headers.get(TunnelProtocol.HEADER_VERSION);
        if (version == null || !String.valueOf(TunnelProtocol.VERSION).contentEquals(version)) {
            refuse(ctx, TunnelException.of(TunnelError.UNSUPPORTED_VERSION, "this relay speaks version "
                    + TunnelProtocol.VERSION));
            return;
        }
        // checked before the ticket is used up, so a refused client can send the same ticket again later
        if (pending.get() >= MAX_PENDING_PER_CONNECTION) {
            refuse(ctx, TunnelException.of(TunnelError.TOO_MANY_STREAMS, MAX_PENDING_PER_CONNECTION
                    + " streams of this connection are still being opened"));
            return;
        }
        CharSequence token = headers.get(TunnelProtocol.HEADER_TICKET);
        StreamTicket ticket;
        try {
            ticket = relay.admitStreamClient(token == null ? null : token.toString(), fingerprint);
        } catch (TunnelException e) {
            refuse(ctx, e);
            return;
        }
        pending.incrementAndGet();
        counted = true;
        relay.authorizeStream(ticket, certificate).whenComplete((ok, error) ->
                ctx.executor().execute(() -> authorized(ctx, ticket, error)));
    }

    private void authorized(ChannelHandlerContext ctx, StreamTicket ticket, Throwable error) {
        if (error != null) {
            settled();
            refuse(ctx, unwrap(error));
            return;
        }
        if (!ctx.channel().isActive()) {
            settled();
            relay.notifyStreamFailed(ticket, TunnelException.of(TunnelError.PROTOCOL,
                    "the client closed the stream before it was opened"));
            return;
        }
        relay.openDeviceStream(ticket).whenComplete((device, failure) ->
                ctx.executor().execute(() -> answer(ctx, ticket, device, failure)));
    }

    private void answer(ChannelHandlerContext ctx, StreamTicket ticket, Channel device, Throwable error) {
        settled();
        if (error != null) {
            TunnelException refusal = unwrap(error);
            relay.notifyStreamFailed(ticket, refusal);
            refuse(ctx, refusal);
            return;
        }
        Channel client = ctx.channel();
        if (!client.isActive()) {
            device.close(); // streamOpened was reported; closing reports streamClosed
            return;
        }
        client.writeAndFlush(H2.ok());
        ctx.pipeline().replace(this, "stream-bytes", new StreamBytes(null));
        log.debug("stream {} spliced for a stream client", ticket.ticketId());
        Splice.bridge(client, device);
    }

    /** The stream is no longer being opened (runs on the connection's event loop; counts once). */
    private void settled() {
        if (counted) {
            counted = false;
            pending.decrementAndGet();
        }
    }

    private static TunnelException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof TunnelException te ? te : new TunnelException(TunnelError.INTERNAL, "internal error", cause);
    }

    private void refuse(ChannelHandlerContext ctx, TunnelException e) {
        log.info("refused stream from stream client {}: {}", ctx.channel().remoteAddress(), e.getMessage());
        ctx.writeAndFlush(H2.refusal(e.error())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream-client stream failed: {}", cause.toString());
        ctx.close();
    }
}
