package dev.gangway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 settings and helpers shared by every leg: the limits of the wire-level guard and the flow-control
 * windows that bound what any one stream can buffer.
 */
final class H2 {

    /** Per-stream receive window: the most one stream can have in flight towards us (bounded buffer). */
    static final int STREAM_WINDOW = 1 << 20;
    /** Connection receive window: many streams at full speed, and a few stalled ones cannot block the rest. */
    static final int CONNECTION_WINDOW = 16 << 20;
    /** Largest frame either side accepts: one socket read (up to 64 KB) becomes one DATA frame. */
    static final int MAX_FRAME_SIZE = 65_536;
    static final int MAX_HEADER_LIST_SIZE = 8_192;
    static final int DEFAULT_WINDOW = 65_535;
    /** Streams a relay accepts from one stream client (a portal multiplexes its users' streams). */
    static final int MAX_STREAMS_PER_CLIENT = 1_000;
    static final int DEFAULT_MAX_STREAMS_PER_TUNNEL = 128;
    static final int MAX_AGENT_INFO_BYTES = 64 * 1024;

    /** Tunnel and stream-client connections: bounded outbound buffer before writes stall. */
    static final WriteBufferWaterMark CONNECTION_WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
    /** Plain TCP legs (LAN targets, forwarded local connections). */
    static final WriteBufferWaterMark SOCKET_WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    static final String STATUS_OK = "200";

    private H2() {
    }

    static Http2Settings settings(boolean server, long maxConcurrentStreams) {
        Http2Settings settings = new Http2Settings()
                .initialWindowSize(STREAM_WINDOW)
                .maxFrameSize(MAX_FRAME_SIZE)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE)
                .maxConcurrentStreams(maxConcurrentStreams);
        if (!server) {
            settings.pushEnabled(false);
        }
        return settings;
    }

    static Http2FrameCodec codec(boolean server, long maxConcurrentStreams) {
        Http2FrameCodecBuilder builder = server ? Http2FrameCodecBuilder.forServer() : Http2FrameCodecBuilder.forClient();
        return builder.initialSettings(settings(server, maxConcurrentStreams))
                .validateHeaders(true)
                // Closing a tunnel means now (revocation, dead peer); drains are our own GOAWAY logic.
                .gracefulShutdownTimeoutMillis(0)
                .build();
    }

    /**
     * The codec of a device tunnel (relay and agent side): {@link #codec} with less state per connection, since a relay
     * holds one per device and device tunnels are idle most of the time.
     *
     * <ul>
     *   <li>{@code SETTINGS_HEADER_TABLE_SIZE 0}: the peer's HPACK encoder keeps no dynamic table for us and our decoder
     *       none for it (tunnel requests are a few short CONNECT / agent-info / alarm headers; the static table and
     *       Huffman coding do nearly as well). Every HTTP/2 peer must honour it, so an agent or relay without this
     *       change still talks to one with it; it costs a few bytes per request.</li>
     *   <li>a {@link UniformStreamByteDistributor} instead of Netty's default weighted-fair one (nothing uses HTTP/2
     *       priorities; the uniform one keeps no per-stream priority tree). Local only, nothing on the wire.</li>
     * </ul>
     * Stream-client legs (few connections, many streams) keep {@link #codec}.
     */
    static Http2FrameCodec tunnelCodec(boolean server, long maxConcurrentStreams) {
        return new TunnelCodecBuilder(server).initialSettings(settings(server, maxConcurrentStreams).headerTableSize(0))
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(0)
                .build();
    }

    /** {@link Http2FrameCodecBuilder} on a connection whose outbound flow controller distributes uniformly. */
    private static final class TunnelCodecBuilder extends Http2FrameCodecBuilder {
        TunnelCodecBuilder(boolean server) {
            DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
            connection.remote().flowController(
                    new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
            connection(connection);
        }
    }

    /** Raises the connection-level receive window once the codec has sent its preface; then removes itself. */
    static final class ConnectionWindow extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - DEFAULT_WINDOW));
            ctx.pipeline().remove(this);
        }
    }

    static Http2Headers connect(LanTarget target) {
        return new DefaultHttp2Headers()
                .method("CONNECT")
                .authority(target.authority())
                .set(TunnelProtocol.HEADER_VERSION, String.valueOf(TunnelProtocol.VERSION));
    }

    static DefaultHttp2HeadersFrame ok() {
        return new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(STATUS_OK), false);
    }

    static DefaultHttp2HeadersFrame refusal(TunnelError error) {
        return new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                .status(String.valueOf(httpStatus(error)))
                .set(TunnelProtocol.HEADER_ERROR, error.name()), true);
    }

    /** The HTTP status that goes with a refusal; {@link TunnelProtocol#HEADER_ERROR} says exactly why. */
    static int httpStatus(TunnelError error) {
        return switch (error) {
            case PROTOCOL, UNSUPPORTED_VERSION -> 400;
            case BAD_TICKET, TICKET_EXPIRED -> 401;
            case UNKNOWN_DEVICE, REVOKED, TARGET_NOT_ALLOWED, NO_RIGHT -> 403;
            case DUPLICATE_TUNNEL -> 409;
            case TOO_MANY_STREAMS -> 429;
            case INTERNAL -> 500;
            case TARGET_UNREACHABLE, PROXY_REFUSED -> 502;
            case DEVICE_OFFLINE, DRAINING, SITE_DISABLED, SENT_OFFLINE, IDLE_TIMEOUT, RELAY_SHUTDOWN -> 503;
            case TIMEOUT -> 504;
        };
    }

    /** The refusal named by a non-200 response (the header wins; a bare status is a protocol error). */
    static TunnelException refusalOf(Http2Headers headers) {
        CharSequence name = headers.get(TunnelProtocol.HEADER_ERROR);
        TunnelError error = TunnelError.fromWire(name == null ? null : name.toString());
        return TunnelException.of(error, "status " + headers.status());
    }

    static Http2GoAwayFrame goAway(Http2Error code, TunnelError reason) {
        return new DefaultHttp2GoAwayFrame(code, Unpooled.copiedBuffer(reason.name(), StandardCharsets.US_ASCII));
    }

    /** The {@link TunnelError} in a GOAWAY's debug data, or null if it names none. */
    static TunnelError reasonOf(Http2GoAwayFrame frame) {
        ByteBuf data = frame.content();
        if (!data.isReadable() || data.readableBytes() > 64) {
            return null;
        }
        String text = data.toString(StandardCharsets.US_ASCII);
        TunnelError error = TunnelError.fromWire(text);
        return error == TunnelError.PROTOCOL && !text.equals(TunnelError.PROTOCOL.name()) ? null : error;
    }

    /** Sends GOAWAY naming {@code reason}, then closes the connection. */
    static void refuseConnection(Channel channel, Http2Error code, TunnelError reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(goAway(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Closes after an error that reached the end of a connection pipeline, except HTTP/2 errors: the codec
     * answers those itself with the right GOAWAY (or RST_STREAM) code and closes when it must.
     */
    static void closeUnlessCodecHandles(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }
}
