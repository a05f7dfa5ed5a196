package dev.gangway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One relay-side alarm poll on its own stream: sends {@code GET /gangway/v1/alarms?ack=N}, collects at most
 * {@value TunnelProtocol#MAX_ALARMS_ANSWER_BYTES} bytes of answer within a timeout and parses them
 * ({@link AlarmsJson}). Completes (never exceptionally) with an {@link AlarmPoller.Answer} and closes the stream;
 * a hostile or broken answer ends only this stream.
 *
 * <h2>Reference counting</h2> Every inbound frame is released here; the body buffer is released when the handler
 * finishes or is removed.
 */
final class AlarmsRequest extends ChannelInboundHandlerAdapter {

    private final long ack;
    private final CompletableFuture<AlarmPoller.Answer> result;
    private final Duration timeout;
    private ByteBuf body;
    private ScheduledFuture<?> expiry;
    private boolean answered;

    AlarmsRequest(long ack, CompletableFuture<AlarmPoller.Answer> result, Duration timeout) {
        this.ack = ack;
        this.result = result;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (expiry != null) {
            return;
        }
        expiry = ctx.executor().schedule(() -> finish(ctx, failed("no answer within " + timeout.toSeconds() + " s")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").scheme("https").authority("agent").path(TunnelProtocol.PATH_ALARMS + "?ack=" + ack)
                .set(TunnelProtocol.HEADER_VERSION, String.valueOf(TunnelProtocol.VERSION));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (result.isDone()) {
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                headers(ctx, headers);
            } else if (msg instanceof Http2DataFrame data) {
                if (!answered) {
                    finish(ctx, failed("data before the answer's headers"));
                    return;
                }
                if (body == null) {
                    // only now: an idle poll (most of the time, on every tunnel) holds no buffer
                    body = ctx.alloc().buffer(Math.min(data.content().readableBytes(), 64 * 1024));
                }
                if (body.readableBytes() + data.content().readableBytes() > TunnelProtocol.MAX_ALARMS_ANSWER_BYTES) {
                    finish(ctx, failed("answer larger than " + TunnelProtocol.MAX_ALARMS_ANSWER_BYTES + " bytes"));
                    return;
                }
                body.writeBytes(data.content());
                if (data.isEndStream()) {
                    finish(ctx, parse());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void headers(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        if (answered) {
            // trailers: only their END_STREAM matters
            if (frame.isEndStream()) {
                finish(ctx, parse());
            }
            return;
        }
        CharSequence status = frame.headers().status();
        if (status != null && status.length() == 3 && status.charAt(0) == '1') {
            return; // informational
        }
        answered = true;
        if (status != null && "404".contentEquals(status)) {
            finish(ctx, new AlarmPoller.NotOffered());
        } else if (status == null || !H2.STATUS_OK.contentEquals(status)) {
            CharSequence error = frame.headers().get(TunnelProtocol.HEADER_ERROR);
            finish(ctx, failed("status " + printable(status) + (error == null ? "" : " " + printable(error))));
        } else if (frame.isEndStream()) {
            finish(ctx, parse());
        }
    }

    private AlarmPoller.Answer parse() {
        try {
            return new AlarmPoller.Alarms(AlarmsJson.parse(body == null ? new byte[0] : ByteBufUtil.getBytes(body)));
        } catch (IllegalArgumentException e) {
            return failed("bad answer: " + e.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(ctx, failed("the stream closed before the answer was complete"));
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ctx, failed("stream failed: " + RelayConnection.brief(cause)));
    }

    private void finish(ChannelHandlerContext ctx, AlarmPoller.Answer answer) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        releaseBody();
        result.complete(answer);
        ctx.close();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    private static AlarmPoller.Failed failed(String why) {
        return new AlarmPoller.Failed(why);
    }

    private static String printable(CharSequence s) {
        if (s == null) {
            return "(none)";
        }
        String text = s.length() > 40 ? s.subSequence(0, 40) + "..." : s.toString();
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
