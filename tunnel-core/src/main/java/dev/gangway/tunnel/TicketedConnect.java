package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's answer to one {@code CONNECT} from a stream client: verifies the {@code gangway-ticket}, opens
 * the matching stream on the device's tunnel, answers {@code 200} and splices the two streams, or answers the
 * refusal with {@link TunnelProtocol#HEADER_ERROR}.
 *
 * <h2>Lifecycle</h2> The client stream is auto-read off; exactly the request headers are read before the
 * answer, so bytes a client sends early wait (within the stream window) until the splice reads them.
 */
final class TicketedConnect extends StreamRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(TicketedConnect.class);

    private final RelayServer relay;

    TicketedConnect(RelayServer relay) {
        this.relay = relay;
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
        CharSequence token = headers.get(TunnelProtocol.HEADER_TICKET);
        StreamTicket ticket;
        try {
            ticket = relay.verify(token == null ? null : token.toString());
        } catch (TunnelException e) {
            refuse(ctx, e);
            return;
        }
        relay.openDeviceStream(ticket).whenComplete((device, error) ->
                ctx.executor().execute(() -> answer(ctx, ticket, device, error)));
    }

    private void answer(ChannelHandlerContext ctx, StreamTicket ticket, Channel device, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            refuse(ctx, cause instanceof TunnelException te ? te
                    : new TunnelException(TunnelError.INTERNAL, "internal error", cause));
            return;
        }
        Channel client = ctx.channel();
        if (!client.isActive()) {
            device.close();
            return;
        }
        client.writeAndFlush(H2.ok());
        ctx.pipeline().replace(this, "stream-bytes", new StreamBytes(null));
        log.debug("stream {} spliced for a stream client", ticket.ticketId());
        Splice.bridge(client, device);
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
