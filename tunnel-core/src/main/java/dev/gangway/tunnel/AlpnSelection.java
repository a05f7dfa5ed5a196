package dev.gangway.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Base of the handlers that set up a pipeline once TLS has chosen an ALPN protocol (relay, agent, stream
 * client). Netty reports some failed handshakes (a timeout on a truncated ClientHello, for one) only as an
 * event; this sends them to {@link #handshakeFailure} like every other handshake failure, so subclasses report
 * each failure in one place.
 */
abstract class AlpnSelection extends ApplicationProtocolNegotiationHandler {

    AlpnSelection() {
        super("");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent event && !event.isSuccess()) {
            handshakeFailure(ctx, event.cause());
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
