package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CONNECT exchange, the byte adapter and HTTP/2 flow control, on embedded channels (no sockets). */
class StreamProtocolTest {

    private static final LanTarget TARGET = new LanTarget("198.19.0.2", 80);
    private EmbeddedChannel relay;
    private EmbeddedChannel agent;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.finishAndReleaseAll();
        }
        if (agent != null) {
            agent.finishAndReleaseAll();
        }
    }

    @Test
    void connectExchangeThenBytesBothWays() throws Exception {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        StreamBytes.Counter counter = new StreamBytes.Counter();
        EmbeddedChannel stream = new EmbeddedChannel(new ConnectRequest(H2.connect(TARGET), result, Duration.ofSeconds(5), counter));

        Http2HeadersFrame request = stream.readOutbound();
        assertThat(request.headers().method().toString()).isEqualTo("CONNECT");
        assertThat(request.headers().authority().toString()).isEqualTo("198.19.0.2:80");
        assertThat(request.headers().get(TunnelProtocol.HEADER_VERSION).toString()).isEqualTo("1");
        assertThat(request.isEndStream()).isFalse();
        assertThat(result).isNotDone();

        stream.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        assertThat(result).isCompletedWithValue(stream);

        stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
        ByteBuf inbound = stream.readInbound();
        assertThat(inbound.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        inbound.release();

        stream.writeOutbound(Unpooled.copiedBuffer("world!", StandardCharsets.US_ASCII));
        Http2DataFrame outbound = stream.readOutbound();
        assertThat(outbound.content().toString(StandardCharsets.US_ASCII)).isEqualTo("world!");
        assertThat(outbound.isEndStream()).isFalse();
        outbound.release();
        assertThat(counter.read).isEqualTo(5);
        assertThat(counter.written).isEqualTo(6);

        stream.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII), true));
        ByteBuf last = stream.readInbound();
        assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("bye");
        last.release();
        assertThat(stream.isOpen()).as("END_STREAM closes the channel").isFalse();
        assertThat(stream.finishAndReleaseAll()).as("nothing left over").isFalse();
    }

    @Test
    void refusalFailsWithTheNamedError() {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        EmbeddedChannel stream = new EmbeddedChannel(new ConnectRequest(H2.connect(TARGET), result, Duration.ofSeconds(5), null));
        Http2HeadersFrame request = stream.readOutbound();
        assertThat(request).isNotNull();
        stream.writeInbound(H2.refusal(TunnelError.TARGET_NOT_ALLOWED));
        assertThat(result).isCompletedExceptionally();
        assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
        assertThat(stream.isOpen()).isFalse();
        assertThat(stream.finishAndReleaseAll()).isFalse();
    }

    @Test
    void streamWithoutCreditStopsBeingWritableAndCreditRestoresIt() throws Exception {
        connectPair();
        Sink sink = new Sink();
        Channel stream = openStream(sink);

        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        while (stream.isWritable()) {
            stream.writeAndFlush(Unpooled.wrappedBuffer(chunk));
            written += chunk.length;
            shuttle();
            assertThat(written).as("writability must stop near the stream window").isLessThan(4L * H2.STREAM_WINDOW);
        }
        shuttle();
        assertThat(stream.isWritable()).isFalse();
        assertThat(written).isGreaterThanOrEqualTo(H2.STREAM_WINDOW);
        assertThat(sink.received).isZero();

        // The agent side reads: window credit flows back and the stream turns writable again.
        while (sink.received < written) {
            sink.channel.read();
            shuttle();
        }
        assertThat(sink.received).isEqualTo(written);
        assertThat(stream.isWritable()).isTrue();
    }

    @Test
    void oversizeFrameClosesTheConnectionWithFrameSizeError() {
        agent = new EmbeddedChannel();
        agent.pipeline().addLast(H2.codec(true, 10), new RelayConnection.LastHandler("test"));
        ByteBuf wire = Unpooled.buffer();
        wire.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        writeFrameHeader(wire, 0, 0x4, 0, 0); // empty SETTINGS
        int oversize = H2.MAX_FRAME_SIZE + 1;
        writeFrameHeader(wire, oversize, 0x0, 0, 1); // DATA larger than SETTINGS_MAX_FRAME_SIZE
        wire.writeZero(oversize);
        agent.writeInbound(wire);
        agent.runPendingTasks();

        assertThat(agent.isOpen()).isFalse();
        ByteBuf out = Unpooled.buffer();
        for (Object m; (m = agent.readOutbound()) != null; ) {
            out.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        assertThat(goAwayErrorCode(out)).isEqualTo(Http2Error.FRAME_SIZE_ERROR.code());
        out.release();
    }

    @Test
    void headerListAboveTheLimitNeverReachesAHandler() {
        // A peer that ignores our SETTINGS_MAX_HEADER_LIST_SIZE: only the agent's decoder can stop it.
        connectPair(Http2FrameCodecBuilder.forClient().initialSettings(H2.settings(false, 0))
                .encoderIgnoreMaxHeaderListSize(true).build());
        CompletableFuture<Channel> result = new CompletableFuture<>();
        DefaultHttp2Headers headers = (DefaultHttp2Headers) H2.connect(TARGET);
        headers.set("x-padding", "p".repeat(H2.MAX_HEADER_LIST_SIZE));
        new Http2StreamChannelBootstrap(relay).option(ChannelOption.AUTO_READ, false)
                .handler(new ConnectRequest(headers, result, Duration.ofSeconds(5), null)).open();
        shuttle();
        assertThat(result).isCompletedExceptionally();
        assertThat(answered).isZero();
        assertThat(agent.isOpen()).as("a stream error, the connection lives on").isTrue();
    }

    @Test
    void tunnelCodecsTalkToEachOtherAndToPeersWithoutThem() throws Exception {
        // header table size 0 and the uniform distributor on both sides, on one side only (an agent or relay of an
        // older release): several requests each, so that headers are sent after both SETTINGS were acknowledged
        for (boolean[] tunnelSides : new boolean[][] {{true, true}, {true, false}, {false, true}}) {
            tearDown();
            Http2FrameCodec relayCodec = tunnelSides[0] ? H2.tunnelCodec(false, 0) : H2.codec(false, 0);
            Http2FrameCodec agentCodec = tunnelSides[1] ? H2.tunnelCodec(true, 10) : H2.codec(true, 10);
            connectPair(relayCodec, agentCodec);
            assertThat(relayCodec.decoder().localSettings().headerTableSize())
                    .isEqualTo(tunnelSides[0] ? 0L : Http2CodecUtil.DEFAULT_HEADER_TABLE_SIZE);
            assertThat(agentCodec.decoder().localSettings().headerTableSize())
                    .isEqualTo(tunnelSides[1] ? 0L : Http2CodecUtil.DEFAULT_HEADER_TABLE_SIZE);
            for (int i = 0; i < 3; i++) {
                Sink sink = new Sink();
                Channel stream = openStream(sink);
                stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000 * (i + 1)]));
                shuttle();
                sink.channel.read();
                shuttle();
                assertThat(sink.received).as("relay tunnel codec %s, agent %s", tunnelSides[0], tunnelSides[1])
                        .isEqualTo(1000L * (i + 1));
            }
            assertThat(answered).isEqualTo(3);
            answered = 0;
        }
    }

    // ---- two codecs talking through embedded channels ----

    private int answered;

    private void connectPair() {
        connectPair(H2.codec(false, 0));
    }

    private void connectPair(Http2FrameCodec relayCodec) {
        connectPair(relayCodec, H2.codec(true, 10));
    }

    private void connectPair(Http2FrameCodec relayCodec, Http2FrameCodec agentCodec) {
        relay = new EmbeddedChannel();
        relay.pipeline().addLast(relayCodec, new H2.ConnectionWindow(),
                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                }));
        agent = new EmbeddedChannel();
        agent.pipeline().addLast(agentCodec, new H2.ConnectionWindow(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.config().setAutoRead(false);
                        ch.pipeline().addLast(new AnswerOk());
                    }
                }));
        shuttle();
    }

    private Sink pendingSink;

    private Channel openStream(Sink sink) throws Exception {
        pendingSink = sink;
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(relay).option(ChannelOption.AUTO_READ, false)
                .handler(new ConnectRequest(H2.connect(TARGET), result, Duration.ofSeconds(5), null)).open();
        shuttle();
        return result.get();
    }

    private void shuttle() {
        boolean moved;
        do {
            moved = false;
            relay.runPendingTasks();
            agent.runPendingTasks();
            for (Object m; (m = relay.readOutbound()) != null; ) {
                agent.writeInbound(m);
                moved = true;
            }
            for (Object m; (m = agent.readOutbound()) != null; ) {
                relay.writeInbound(m);
                moved = true;
            }
        } while (moved);
    }

    /** The agent's stand-in: answers 200 and hands the stream to the sink. */
    private final class AnswerOk extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            answered++;
            ctx.writeAndFlush(H2.ok());
            ctx.pipeline().replace(this, "bytes", new StreamBytes(null));
            if (pendingSink != null) {
                pendingSink.channel = ctx.channel();
                ctx.pipeline().addLast(pendingSink);
            }
        }
    }

    /** Counts and releases bytes; reads only when told. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        Channel channel;
        long received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
        }
    }

    private static void writeFrameHeader(ByteBuf out, int length, int type, int flags, int streamId) {
        out.writeMedium(length);
        out.writeByte(type);
        out.writeByte(flags);
        out.writeInt(streamId);
    }

    private static long goAwayErrorCode(ByteBuf frames) {
        while (frames.readableBytes() >= 9) {
            int length = frames.readUnsignedMedium();
            int type = frames.readUnsignedByte();
            frames.skipBytes(5);
            if (type == 0x7) {
                frames.skipBytes(4);
                return frames.readUnsignedInt();
            }
            frames.skipBytes(length);
        }
        return -1;
    }
}
