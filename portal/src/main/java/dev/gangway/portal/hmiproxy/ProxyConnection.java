package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.tunnel.Splice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser connection to the HMI proxy: checks each request against its HMI session, forwards it over one
 * device stream and streams the answer back.
 *
 * <h2>Lifecycle</h2>
 * The connection belongs to the session of its first accepted request; requests for other hosts on it are
 * refused. The device stream opens lazily on the first forwarded request, is reused for keep-alive requests and
 * reopened when the device closed it in between. Anything the proxy answers itself closes the connection.
 * After a {@code 101} the HTTP codecs leave both pipelines and tunnel-core's {@link Splice} joins the raw byte
 * channels.
 *
 * <h2>Flow control</h2>
 * Both channels have auto-read off. The browser is read only while the request body still has to go out and the
 * device's previous writes have completed with the stream writable (or when idle, for the next request head);
 * the device is read only after the previous response part reached the browser's socket. Bodies are never
 * aggregated, so memory per connection is bounded by one read on each side.
 *
 * <h2>Threads</h2>
 * Everything here runs on the browser channel's event loop; {@link DeviceHandler} hands device events over.
 *
 * <h2>Reference counting</h2>
 * Every {@link HttpObject} read is either written on (the write releases it) or released here.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);
    static final String CODEC = "http";
    private static final String DEVICE_CODEC = "hmi-device-http";
    private static final String DEVICE_HANDLER = "hmi-device";
    private static final long LINGER_SECONDS = 2;

    private final HmiSessionRegistry registry;
    private final HmiProxySettings settings;
    private final Admission admission;
    private final DeviceStreams deviceStreams;
    private final ByteCounter counter;

    private ChannelHandlerContext ctx;
    private HmiSession session;
    private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
    private ScheduledFuture<?> headDeadline;
    private boolean closed;

    // the exchange in progress
    private boolean requestOpen;
    private boolean responseOpen;
    private boolean responseStarted;
    private boolean webSocket;
    private boolean closeAfterResponse;
    private boolean informationalEnd;
    private HttpRequest headToSend;
    private HttpRequest sentHead;
    private boolean sentBody;
    private boolean sentOnReusedStream;
    private String logLine;

    // the device stream
    private Channel device;
    private DeviceHandler deviceHandler;
    private boolean deviceReusable;
    private int deviceExchanges;
    private CompletableFuture<Channel> deviceOpening;
    private int deviceWrites;
    private int browserWrites;

    // the WebSocket switch
    private boolean upgrading;
    private boolean upgradeHeadWritten;
    private boolean upgradeEndSeen;
    private boolean switchStarted;
    private final List<ByteBuf> browserBytes = new ArrayList<>();
    private final List<ByteBuf> deviceBytes = new ArrayList<>();

    ProxyConnection(HmiSessionRegistry registry, DeviceStreams deviceStreams, ByteCounter counter) {
        this.registry = registry;
        this.settings = registry.settings();
        this.admission = new Admission(registry);
        this.deviceStreams = deviceStreams;
        this.counter = counter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armHeadDeadline();
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgrading && msg instanceof ByteBuf buf && !closed) {
            browserBytes.add(buf);
            return;
        }
        if (closed || upgrading || !(msg instanceof HttpObject object)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (object instanceof HttpRequest) {
            cancelHeadDeadline();
        }
        inbound.add(object);
        pump();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        readDeviceIfWanted();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shutDown();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HMI browser connection {} failed", ctx.channel().remoteAddress(), cause);
        close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!upgrading) {
            shutDown();
        }
    }

    // ---- browser to device

    private void pump() {
        while (!closed && !upgrading) {
            HttpObject next = inbound.peek();
            if (next == null) {
                break;
            }
            if (next instanceof HttpRequest request) {
                if (requestOpen || responseOpen) {
                    return; // a pipelined request waits for the current answer
                }
                inbound.poll();
                startExchange(request);
                continue;
            }
            if (!requestOpen) {
                ReferenceCountUtil.release(inbound.poll());
                continue;
            }
            if (headToSend != null || device == null) {
                return; // the body waits for the device stream
            }
            forwardToDevice((HttpContent) inbound.poll());
        }
        readBrowserIfWanted();
    }

    private void startExchange(HttpRequest request) {
        Admission.Verdict verdict = admission.check(request, session);
        if (request instanceof HttpContent) {
            // only the decoder's placeholder for an invalid request carries content
            ReferenceCountUtil.release(request);
        }
        if (verdict instanceof Refusal refusal) {
            refuse(refusal);
            return;
        }
        if (verdict instanceof Admission.Enter enter) {
            respondAndClose(ProxyPages.redirect("/", enter.setCookie()));
            return;
        }
        Admission.Forward forward = (Admission.Forward) verdict;
        if (session == null && !bind(forward.session())) {
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        webSocket = forward.webSocket();
        HeaderRules.rewriteRequest(request, session, webSocket);
        logLine = request.method() + " " + new QueryStringDecoder(request.uri()).rawPath();
        log.debug("HMI {} {}", session.id(), logLine);
        requestOpen = true;
        responseOpen = true;
        responseStarted = false;
        informationalEnd = false;
        closeAfterResponse = !keepAlive;
        headToSend = request;
        ensureDevice();
    }

    /** Counts this connection against its session, which closes it when it ends. */
    private boolean bind(HmiSession found) {
        Channel browser = ctx.channel();
        if (!found.attach(browser, settings.maxConnectionsPerSession())) {
            refuse(found.isEnded() ? Refusal.ended() : Refusal.tooManyConnections(settings.maxConnectionsPerSession()));
            return false;
        }
        session = found;
        counter.bind(found);
        browser.closeFuture().addListener(f -> found.detach(browser, registry.now()));
        return true;
    }

    private void forwardToDevice(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            log.debug("HMI {} request body is not valid HTTP", session.id(), content.decoderResult().cause());
            content.release();
            close();
            return;
        }
        if (content instanceof LastHttpContent) {
            requestOpen = false;
        }
        sentBody |= content.content().isReadable();
        writeToDevice(content);
    }

    private void writeToDevice(HttpObject object) {
        Channel stream = device;
        deviceWrites++;
        stream.writeAndFlush(object).addListener(f -> onBrowserLoop(() -> {
            deviceWrites--;
            if (!f.isSuccess()) {
                log.debug("HMI write to the device failed", f.cause());
                stream.close();
                return;
            }
            readBrowserIfWanted();
        }));
    }

    private void readBrowserIfWanted() {
        if (closed || upgrading || !inbound.isEmpty()) {
            return;
        }
        if (requestOpen) {
            if (headToSend == null && device != null && deviceWrites == 0 && device.isWritable()) {
                ctx.read();
            }
        } else if (!responseOpen) {
            ctx.read();
        }
    }

    // ---- the device stream

    private void ensureDevice() {
        if (device != null && !device.isActive()) {
            dropDevice();
        }
        if (device != null) {
            sendHead();
            return;
        }
        if (deviceOpening != null) {
            return;
        }
        CompletableFuture<Channel> opening;
        try {
            opening = deviceStreams.open(session.account(), session.user(), session.deviceId(), session.target());
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Channel> attempt = opening;
        deviceOpening = attempt;
        Duration timeout = settings.relayTimeout();
        ScheduledFuture<?> timer = ctx.executor().schedule(
                () -> onDeviceOpened(attempt, null, new TimeoutException()), timeout.toMillis(), TimeUnit.MILLISECONDS);
        attempt.whenComplete((stream, error) -> {
            timer.cancel(false);
            if (!onBrowserLoop(() -> onDeviceOpened(attempt, stream, error)) && stream != null) {
                stream.close();
            }
        });
    }

    private void onDeviceOpened(CompletableFuture<Channel> attempt, Channel stream, Throwable error) {
        if (attempt != deviceOpening || closed) {
            if (stream != null) {
                stream.close();
            }
            return;
        }
        deviceOpening = null;
        if (error != null) {
            log.debug("HMI {}: opening a stream to device {} failed", session.id(), session.deviceId(), error);
            refuse(Refusal.deviceFailure(error, settings.relayTimeout()));
            return;
        }
        DeviceHandler handler = new DeviceHandler(this, ctx.executor());
        HttpDecoderConfig responses = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024)
                .setUseRfc9112TransferEncoding(true);
        stream.pipeline().addLast(DEVICE_CODEC, new HttpClientCodec(responses, false, false))
                .addLast(DEVICE_HANDLER, handler);
        if (!stream.isActive()) {
            stream.close();
            refuse(Refusal.deviceClosed());
            return;
        }
        device = stream;
        deviceHandler = handler;
        deviceReusable = true;
        deviceExchanges = 0;
        sendHead();
        pump();
    }

    private void sendHead() {
        if (headToSend == null || device == null) {
            return;
        }
        HttpRequest head = headToSend;
        headToSend = null;
        sentHead = head;
        sentBody = false;
        sentOnReusedStream = deviceExchanges++ > 0;
        writeToDevice(head);
        device.read();
    }

    // ---- device to browser

    void onDeviceMessage(Channel from, Object msg) {
        if (closed || from != device) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (upgrading) {
            if (msg instanceof ByteBuf buf) {
                deviceBytes.add(buf);
                return;
            }
            if (msg instanceof LastHttpContent) {
                upgradeEndSeen = true;
            }
            ReferenceCountUtil.release(msg);
            switchWhenReady();
            return;
        }
        if (msg instanceof HttpResponse response) {
            onResponseHead(response);
        } else if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        try {
            if (!responseOpen || responseStarted) {
                log.debug("HMI {}: the device sent a response nobody asked for", session.id());
                dropDevice();
                if (responseStarted) {
                    close();
                }
                return;
            }
            if (response.decoderResult().isFailure()) {
                refuse(Refusal.invalidDeviceAnswer("its response is not valid HTTP: "
                        + response.decoderResult().cause().getMessage()));
                return;
            }
            int code = response.status().code();
            if (code == 101) {
                if (webSocket) {
                    startUpgrade(response);
                } else {
                    refuse(Refusal.invalidDeviceAnswer("it switched protocols on a request that did not ask for it"));
                }
                return;
            }
            if (code < 200) {
                // informational answers (100, 102, 103) are dropped; the final one follows
                informationalEnd = true;
                device.read();
                return;
            }
            deviceReusable = HttpUtil.isKeepAlive(response);
            boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response)
                    || code == 204 || code == 304;
            if (!framed) {
                // the body ends when the device closes: the browser cannot tell the end otherwise
                closeAfterResponse = true;
            }
            HeaderRules.rewriteResponse(response, session, false);
            if (closeAfterResponse) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            log.debug("HMI {} {} -> {}", session.id(), logLine, code);
            responseStarted = true;
            ReferenceCountUtil.retain(response);
            writeToBrowser(response, false);
        } finally {
            ReferenceCountUtil.release(response);
        }
    }

    private void onResponseContent(HttpContent content) {
        if (informationalEnd && !responseStarted && content instanceof LastHttpContent) {
            informationalEnd = false;
            content.release();
            return;
        }
        if (!responseStarted) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            log.debug("HMI {}: the device's response body is not valid HTTP", session.id());
            content.release();
            close();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            responseOpen = false;
            responseStarted = false;
        }
        writeToBrowser(content, last);
    }

    private void writeToBrowser(HttpObject object, boolean last) {
        browserWrites++;
        ctx.writeAndFlush(object).addListener((ChannelFutureListener) f -> {
            browserWrites--;
            if (!f.isSuccess()) {
                close();
            } else if (last) {
                afterResponse();
            } else {
                readDeviceIfWanted();
            }
        });
    }

    private void readDeviceIfWanted() {
        if (!closed && !upgrading && device != null && responseStarted && browserWrites == 0
                && ctx.channel().isWritable()) {
            device.read();
        }
    }

    private void afterResponse() {
        if (closed) {
            return;
        }
        if (closeAfterResponse || requestOpen) {
            close();
            return;
        }
        if (device != null) {
            if (deviceReusable) {
                // a read now notices when the device closes the idle stream
                device.read();
            } else {
                dropDevice();
            }
        }
        armHeadDeadline();
        pump();
    }

    void onDeviceClosed(Channel stream) {
        if (stream != device) {
            return;
        }
        device = null;
        deviceHandler = null;
        if (closed) {
            return;
        }
        if (upgrading || responseStarted) {
            close();
        } else if (responseOpen && mayResend()) {
            // the device closed an idle keep-alive stream just as this request went out: nothing was answered
            log.debug("HMI {} {}: the device closed the reused stream, sending again on a new one", session.id(),
                    logLine);
            headToSend = sentHead;
            sentHead = null;
            ensureDevice();
        } else if (responseOpen) {
            refuse(Refusal.deviceClosed());
        }
    }

    private boolean mayResend() {
        if (sentHead == null || !sentOnReusedStream || requestOpen || sentBody) {
            return false;
        }
        HttpMethod method = sentHead.method();
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
    }

    void onDeviceWritabilityChanged(Channel stream) {
        if (stream == device && stream.isWritable()) {
            readBrowserIfWanted();
        }
    }

    private void dropDevice() {
        Channel stream = device;
        device = null;
        deviceHandler = null;
        if (stream != null) {
            stream.close();
        }
    }

    // ---- WebSocket

    private void startUpgrade(HttpResponse response) {
        upgrading = true;
        responseStarted = true;
        cancelHeadDeadline();
        HeaderRules.rewriteResponse(response, session, true);
        log.debug("HMI {} {} -> 101, WebSocket", session.id(), logLine);
        ReferenceCountUtil.retain(response);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                close();
                return;
            }
            upgradeHeadWritten = true;
            switchWhenReady();
        });
    }

    /**
     * Takes the HTTP codecs out and splices the raw channels, in steps that never let a byte slip past: the
     * device stream first keeps its bytes in {@link DeviceHandler}, then the browser side leaves HTTP, then the
     * splice starts on the device stream's event loop with whatever either side sent early.
     */
    private void switchWhenReady() {
        if (!upgradeHeadWritten || !upgradeEndSeen || switchStarted || closed) {
            return;
        }
        switchStarted = true;
        Channel stream = device;
        DeviceHandler handler = deviceHandler;
        Channel browser = ctx.channel();
        try {
            stream.eventLoop().execute(() -> {
                handler.keepBytes();
                removeIfPresent(stream.pipeline(), DEVICE_CODEC);
                onBrowserLoop(() -> leaveHttp(stream, handler, browser));
            });
        } catch (RejectedExecutionException e) {
            close();
        }
    }

    private void leaveHttp(Channel stream, DeviceHandler handler, Channel browser) {
        if (closed || !browser.isActive()) {
            close();
            return;
        }
        removeIfPresent(ctx.pipeline(), CODEC);
        List<ByteBuf> early = new ArrayList<>(browserBytes);
        browserBytes.clear();
        deviceBytes.forEach(browser::write);
        deviceBytes.clear();
        browser.flush();
        device = null;
        deviceHandler = null;
        ctx.pipeline().remove(this);
        stream.eventLoop().execute(() -> {
            List<ByteBuf> kept = handler.keptBytes();
            removeIfPresent(stream.pipeline(), DEVICE_HANDLER);
            kept.forEach(browser::write);
            browser.flush();
            early.forEach(stream::write);
            stream.flush();
            if (!stream.isActive() || !browser.isActive()) {
                stream.close();
                browser.close();
                return;
            }
            Splice.bridge(browser, stream);
        });
    }

    private static void removeIfPresent(ChannelPipeline pipeline, String name) {
        if (pipeline.get(name) != null) {
            try {
                pipeline.remove(name);
            } catch (java.util.NoSuchElementException e) {
                // removed meanwhile by a closing channel
            }
        }
    }

    // ---- answers of our own, closing, timers

    private void refuse(Refusal refusal) {
        if (responseStarted) {
            close();
            return;
        }
        respondAndClose(ProxyPages.page(ctx.alloc(), refusal));
    }

    private void respondAndClose(FullHttpResponse response) {
        if (closed) {
            response.release();
            return;
        }
        shutDown();
        Channel browser = ctx.channel();
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> lingerThenClose(browser));
    }

    /**
     * Closes after the answer without cutting it off: closing with unread request bytes in the socket makes the
     * kernel send a reset, which can make the browser drop the answer. So the output side closes first and what
     * the browser still sends is read and dropped for a moment.
     */
    private static void lingerThenClose(Channel browser) {
        if (!(browser instanceof DuplexChannel duplex) || !browser.isActive()) {
            browser.close();
            return;
        }
        duplex.shutdownOutput().addListener(f -> {
            browser.config().setAutoRead(true);
            browser.eventLoop().schedule(() -> browser.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }

    private void close() {
        shutDown();
        ctx.close();
    }

    /** Stops all work on this connection and frees what it holds; the browser channel closes separately. */
    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        cancelHeadDeadline();
        HttpObject queued;
        while ((queued = inbound.poll()) != null) {
            ReferenceCountUtil.release(queued);
        }
        browserBytes.forEach(ReferenceCountUtil::release);
        browserBytes.clear();
        deviceBytes.forEach(ReferenceCountUtil::release);
        deviceBytes.clear();
        if (deviceOpening != null) {
            deviceOpening.thenAccept(Channel::close);
            deviceOpening = null;
        }
        dropDevice();
    }

    private void armHeadDeadline() {
        cancelHeadDeadline();
        headDeadline = ctx.executor().schedule(() -> {
            headDeadline = null;
            if (!requestOpen && !responseOpen && inbound.isEmpty() && !upgrading) {
                log.debug("HMI connection {} sent no complete request in time", ctx.channel().remoteAddress());
                close();
            }
        }, settings.requestHeadTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelHeadDeadline() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    private boolean onBrowserLoop(Runnable task) {
        try {
            ctx.executor().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
