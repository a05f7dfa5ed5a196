package dev.gangway.agent.demohmi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The demo HMI's HTTP routes: the panel page, a second page, a streamed download, a cookie-and-redirect route
 * and live values. A request the codec could not parse gets 400 and its connection is closed; others are served.
 */
final class HmiHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final long MAX_DOWNLOAD = 1L << 30;
    private static final Pattern HOST_HEADER = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");
    private static final Map<String, Page> PAGES = Map.of(
            "/", new Page("index.html", "text/html; charset=utf-8"),
            "/index.html", new Page("index.html", "text/html; charset=utf-8"),
            "/page2", new Page("page2.html", "text/html; charset=utf-8"),
            "/assets/hmi.css", new Page("hmi.css", "text/css; charset=utf-8"),
            "/assets/hmi.js", new Page("hmi.js", "text/javascript; charset=utf-8"),
            "/favicon.svg", new Page("favicon.svg", "image/svg+xml"));

    private record Page(String resource, String contentType) {
        byte[] bytes() {
            try (InputStream in = HmiHttpHandler.class.getResourceAsStream("/demo-hmi/" + resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource /demo-hmi/" + resource);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final MachineValues values;

    HmiHttpHandler(MachineValues values) {
        this.values = values;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            sendAndClose(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
            return;
        }
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!head && !request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, response);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        Page page = PAGES.get(path);
        if (page != null) {
            FullHttpResponse response = full(HttpResponseStatus.OK, page.contentType(), page.bytes());
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            send(ctx, request, response);
        } else if (path.equals("/status.json")) {
            FullHttpResponse response = full(HttpResponseStatus.OK, "application/json",
                    values.json().getBytes(StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            send(ctx, request, response);
        } else if (path.equals("/download")) {
            download(ctx, request, uri.parameters().get("size"));
        } else if (path.equals("/set-cookie")) {
            setCookie(ctx, request);
        } else {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "no such page on this HMI\n"));
        }
    }

    private void download(ChannelHandlerContext ctx, FullHttpRequest request, List<String> sizeParam) {
        long size = -1;
        if (sizeParam != null && sizeParam.size() == 1 && sizeParam.get(0).matches("\\d{1,10}")) {
            size = Long.parseLong(sizeParam.get(0));
        }
        if (size < 0 || size > MAX_DOWNLOAD) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST,
                    "size must be a number of bytes from 0 to " + MAX_DOWNLOAD + ", e.g. /download?size=52428800\n"));
            return;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .set(HttpHeaderNames.CONTENT_LENGTH, size)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"demo-data-" + size + ".bin\"")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.write(response);
        ChannelFuture done = request.method().equals(HttpMethod.HEAD)
                ? ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                : ctx.writeAndFlush(new HttpChunkedInput(new PatternInput(size)));
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sets a cookie with {@code Domain=} and redirects absolutely to this server, as many real HMIs do. */
    private void setCookie(ChannelHandlerContext ctx, FullHttpRequest request) {
        String hostHeader = request.headers().get(HttpHeaderNames.HOST);
        String authority = hostHeader != null && HOST_HEADER.matcher(hostHeader).matches()
                ? hostHeader : localAuthority(ctx);
        String host = authority.startsWith("[")
                ? authority.substring(0, authority.indexOf(']') + 1)
                : authority.contains(":") ? authority.substring(0, authority.indexOf(':')) : authority;
        FullHttpResponse response = text(HttpResponseStatus.FOUND, "see /page2\n");
        response.headers()
                .add(HttpHeaderNames.SET_COOKIE, "hmi_pref=1; Path=/; Domain=" + host)
                .set(HttpHeaderNames.LOCATION, "http://" + authority + "/page2")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        send(ctx, request, response);
    }

    private static String localAuthority(ChannelHandlerContext ctx) {
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        String ip = local.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + local.getPort();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return full(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse full(HttpResponseStatus status, String contentType, byte[] body) {
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        ChannelFuture f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // one bad connection must not disturb the others: drop it
        ctx.close();
    }
}
