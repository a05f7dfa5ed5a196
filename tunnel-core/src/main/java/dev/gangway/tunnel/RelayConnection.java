package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one accepted relay connection by its ALPN id once TLS is up: {@link TunnelProtocol#ALPN_DEVICE_TUNNEL}
 * becomes a device tunnel (relay = HTTP/2 client), {@link TunnelProtocol#ALPN_STREAM_CLIENT} a stream-client
 * connection (relay = HTTP/2 server); anything else, and any handshake failure, closes only this connection.
 */
final class RelayConnection extends AlpnSelection {

    private static final Logger log = LoggerFactory.getLogger(RelayConnection.class);

    private final RelayServer relay;
    private boolean reported;

    RelayConnection(RelayServer relay) {
        this.relay = relay;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (TunnelProtocol.ALPN_DEVICE_TUNNEL.equals(protocol)) {
            deviceTunnel(ctx);
        } else if (TunnelProtocol.ALPN_STREAM_CLIENT.equals(protocol)) {
            streamClient(ctx);
        } else {
            log.info("closed connection from {}: it offered no protocol this relay speaks ({} or {})",
                    ctx.channel().remoteAddress(), TunnelProtocol.ALPN_DEVICE_TUNNEL, TunnelProtocol.ALPN_STREAM_CLIENT);
            ctx.close();
        }
    }

    private void deviceTunnel(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        X509Certificate certificate = peerCertificate(ctx);
        if (certificate == null) {
            log.info("closed device tunnel from {}: no client certificate", channel.remoteAddress());
            ctx.close();
            return;
        }
        DeviceTunnel tunnel = new DeviceTunnel(relay, channel);
        // the agent keeps its tunnel alive; the relay PINGs only when the agent missed its announced beat
        Keepalive keepalive = Keepalive.watchdog(relay.keepaliveInterval(), relay.keepaliveTimeout(), tunnel::deadPeer);
        tunnel.keepalive = keepalive;
        ChannelPipeline p = ctx.pipeline();
        // The agent may not open streams (it is the HTTP/2 server), so the relay allows it none.
        p.addLast("h2", H2.tunnelCodec(false, 0));
        p.addLast("h2-window", new H2.ConnectionWindow());
        p.addLast("keepalive", keepalive);
        p.addLast("h2-streams", new Http2MultiplexHandler(RefuseStream.INSTANCE));
        p.addLast("tunnel", tunnel.new Events());
        relay.authorize(tunnel, certificate);
    }

    private void streamClient(ChannelHandlerContext ctx) {
        // Chain-checked by TLS already; bound tickets name it by fingerprint.
        X509Certificate certificate = peerCertificate(ctx);
        String fingerprint = certificate == null ? null : Tickets.fingerprint(certificate);
        AtomicInteger pending = new AtomicInteger();
        ChannelPipeline p = ctx.pipeline();
        p.addLast("h2", H2.codec(true, H2.MAX_STREAMS_PER_CLIENT));
        p.addLast("h2-window", new H2.ConnectionWindow());
        p.addLast("keepalive", Keepalive.plain(relay.keepaliveInterval(), relay.keepaliveTimeout(),
                reason -> log.info("stream client {} is dead: {}", ctx.channel().remoteAddress(), reason)));
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast("connect", new TicketedConnect(relay, certificate, fingerprint, pending));
            }
        }));
        p.addLast("events", new LastHandler("stream client"));
    }

    /**
     * A private copy of the peer's certificate, or null if it presented none. The checks (device authorizer, ticket
     * holder fingerprint) run on the copy, which is garbage once they are done: reading the session's own certificate
     * would make the TLS session keep it parsed (2-3 KB) for the life of the connection.
     */
    private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0) {
                return null;
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(chain[0].getEncoded()));
        } catch (SSLPeerUnverifiedException e) {
            return null;
        } catch (CertificateException | ClassCastException e) {
            // TLS accepted it, so this does not happen; a connection without a usable certificate is refused.
            log.warn("cannot read the client certificate of {}: {}", ctx.channel().remoteAddress(), brief(e));
            return null;
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        report(ctx, "TLS handshake failed: " + brief(cause));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report(ctx, brief(cause));
    }

    private void report(ChannelHandlerContext ctx, String why) {
        if (!reported) {
            reported = true;
            log.info("closed connection from {}: {}", ctx.channel().remoteAddress(), why);
        }
        ctx.close();
    }

    static String brief(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": "
                + (message.length() > 200 ? message.substring(0, 200) : message));
    }

    /** Streams opened by an agent (the HTTP/2 server) are not allowed: reset them. */
    @ChannelHandler.Sharable
    private static final class RefuseStream extends ChannelInboundHandlerAdapter {
        static final RefuseStream INSTANCE = new RefuseStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    /** Consumes connection-level frames nobody needs and closes on errors; logs without payloads. */
    static final class LastHandler extends ChannelInboundHandlerAdapter {
        private final String what;

        LastHandler(String what) {
            this.what = what;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("error on {} connection {}: {}", what, ctx.channel().remoteAddress(), brief(cause));
            H2.closeUnlessCodecHandles(ctx, cause);
        }
    }
}
