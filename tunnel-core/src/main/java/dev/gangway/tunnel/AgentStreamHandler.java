package dev.gangway.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's answer to one stream the relay opened: {@code GET /gangway/v1/agent-info} gets the agent-info
 * JSON; {@code GET /gangway/v1/alarms?ack=N} is the relay's alarm long poll ({@link AlarmsAnswer});
 * {@code CONNECT host:port} is checked against the {@link TargetPolicy} (host names again once resolved,
 * {@link TargetPolicy#checkResolved}), connected on the LAN
 * (TCP_NODELAY, on the stream's event loop) and answered {@code 200} and spliced, or refused with
 * {@code 400}/{@code 403}/{@code 502} and {@link TunnelProtocol#HEADER_ERROR}. The agent-info answer carries the
 * agent's keepalive interval in {@link TunnelProtocol#HEADER_KEEPALIVE_MS}.
 *
 * <h2>Lifecycle</h2> The stream is auto-read off; only the request headers are read before the answer. A
 * {@code CONNECT} stream counts in the client's {@link LanStreams} from its request until it closes.
 */
final class AgentStreamHandler extends StreamRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(AgentStreamHandler.class);

    /** What the handler needs from its tunnel client. */
    record Context(TargetPolicy policy, Supplier<String> agentInfo, Duration connectTimeout, Executor resolver,
            Runnable onAgentInfoRequest, AlarmSource alarms, Duration alarmsHold, LanStreams lanStreams,
            Supplier<Duration> keepalive) {
    }

    private final Context context;

    AgentStreamHandler(Context context) {
        this.context = context;
    }

    @Override
    void request(ChannelHandlerContext ctx, Http2Headers headers) {
        String method = headers.method() == null ? "" : headers.method().toString();
        if ("GET".equals(method) && TunnelProtocol.PATH_AGENT_INFO.contentEquals(orEmpty(headers.path()))) {
            agentInfo(ctx);
        } else if ("GET".equals(method) && AlarmsAnswer.matches(headers.path())) {
            AlarmsAnswer.serve(ctx, headers, context.alarms(), context.alarmsHold());
        } else if ("CONNECT".equals(method)) {
            // a LAN stream from its request until its stream closes (for an on-demand agent's idle timeout)
            context.lanStreams().opened();
            ctx.channel().closeFuture().addListener(f -> context.lanStreams().closed());
            connect(ctx, headers);
        } else {
            refuse(ctx, TunnelError.PROTOCOL, "unexpected request " + method);
        }
    }

    private void agentInfo(ChannelHandlerContext ctx) {
        context.onAgentInfoRequest().run();
        String json;
        try {
            json = context.agentInfo().get();
        } catch (RuntimeException e) {
            log.warn("agent information could not be produced", e);
            json = "";
        }
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), json == null ? "" : json);
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status(H2.STATUS_OK).set("content-type", "application/json");
        Duration keepalive = context.keepalive().get();
        if (keepalive != null) {
            // the relay then stays silent while this agent keeps the tunnel alive
            headers.set(TunnelProtocol.HEADER_KEEPALIVE_MS, String.valueOf(keepalive.toMillis()));
        }
        ctx.write(new DefaultHttp2HeadersFrame(headers, false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true)).addListener(ChannelFutureListener.CLOSE);
    }

    private void connect(ChannelHandlerContext ctx, Http2Headers headers) {
        CharSequence version = headers.get(TunnelProtocol.HEADER_VERSION);
        if (version == null || !String.valueOf(TunnelProtocol.VERSION).contentEquals(version)) {
            refuse(ctx, TunnelError.UNSUPPORTED_VERSION, "request version " + version);
            return;
        }
        LanTarget target;
        try {
            target = LanTarget.parse(headers.authority() == null ? null : headers.authority().toString());
        } catch (IllegalArgumentException e) {
            refuse(ctx, TunnelError.PROTOCOL, e.getMessage());
            return;
        }
        try {
            context.policy().check(target);
        } catch (TunnelException e) {
            log.warn("refused stream to {}: {}", target, e.getMessage());
            refuse(ctx, TunnelError.TARGET_NOT_ALLOWED, null);
            return;
        } catch (RuntimeException e) {
            log.warn("refused stream to {}: the target policy failed", target, e);
            refuse(ctx, TunnelError.TARGET_NOT_ALLOWED, null);
            return;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(target.host());
        if (literal != null) {
            dial(ctx, target, new InetSocketAddress(addressOf(literal), target.port()));
            return;
        }
        // Host names resolve off the event loop: a slow DNS server must not stall the tunnel.
        context.resolver().execute(() -> {
            try {
                InetAddress address = InetAddress.getByName(target.host());
                ctx.executor().execute(() -> dialResolved(ctx, target, address));
            } catch (UnknownHostException e) {
                ctx.executor().execute(() -> unreachable(ctx, target, "unknown host"));
            }
        });
    }

    private void dialResolved(ChannelHandlerContext ctx, LanTarget target, InetAddress address) {
        try {
            context.policy().checkResolved(target, address);
        } catch (TunnelException e) {
            log.warn("refused stream to {}: {}", target, e.getMessage());
            refuse(ctx, TunnelError.TARGET_NOT_ALLOWED, null);
            return;
        } catch (RuntimeException e) {
            log.warn("refused stream to {}: the target policy failed", target, e);
            refuse(ctx, TunnelError.TARGET_NOT_ALLOWED, null);
            return;
        }
        dial(ctx, target, new InetSocketAddress(address, target.port()));
    }

    private void dial(ChannelHandlerContext ctx, LanTarget target, InetSocketAddress address) {
        Channel stream = ctx.channel();
        if (!stream.isActive()) {
            return;
        }
        ChannelFuture connecting = new Bootstrap()
                .group(stream.eventLoop())
                .channel(Transport.socketChannel(stream.eventLoop()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, H2.SOCKET_WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, context.connectTimeout().toMillis()))
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address);
        stream.closeFuture().addListener(f -> {
            if (!connecting.isDone()) {
                connecting.cancel(false);
            }
        });
        connecting.addListener(f -> {
            Channel lan = connecting.channel();
            if (!f.isSuccess()) {
                unreachable(ctx, target, f.cause() == null ? "cancelled" : RelayConnection.brief(f.cause()));
                return;
            }
            if (!stream.isActive()) {
                lan.close();
                return;
            }
            log.debug("stream to {} connected", target);
            stream.writeAndFlush(H2.ok());
            ctx.pipeline().replace(this, "stream-bytes", new StreamBytes(null));
            Splice.bridge(stream, lan);
        });
    }

    private void unreachable(ChannelHandlerContext ctx, LanTarget target, String why) {
        log.info("stream to {} failed: {}", target, why);
        refuse(ctx, TunnelError.TARGET_UNREACHABLE, null);
    }

    private void refuse(ChannelHandlerContext ctx, TunnelError error, String why) {
        if (why != null) {
            log.info("refused stream: {} ({})", error.description(), why);
        }
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(H2.refusal(error)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static InetAddress addressOf(byte[] literal) {
        try {
            return InetAddress.getByAddress(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CharSequence orEmpty(CharSequence s) {
        return s == null ? "" : s;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("tunnel stream failed: {}", cause.toString());
        ctx.close();
    }
}
