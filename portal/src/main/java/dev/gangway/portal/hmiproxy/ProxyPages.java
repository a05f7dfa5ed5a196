package dev.gangway.portal.hmiproxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The pages the proxy answers itself (errors and the entry redirect). They always close the connection, so a
 * refused request's body never has to be read, let alone forwarded.
 */
final class ProxyPages {

    private ProxyPages() {
    }

    static FullHttpResponse page(ByteBufAllocator alloc, Refusal refusal) {
        return page(alloc, refusal.status(), refusal.title(), refusal.message());
    }

    static FullHttpResponse page(ByteBufAllocator alloc, HttpResponseStatus status, String title, String message) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head>\n<body style=\"font-family:sans-serif;margin:3em\"><h1>" + escape(title)
                + "</h1>\n<p id=\"hmi-proxy-message\">" + escape(message) + "</p></body></html>\n";
        ByteBuf body = alloc.buffer().writeBytes(html.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("x-content-type-options", "nosniff")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    static FullHttpResponse redirect(String location, String setCookie) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
        response.headers()
                .set(HttpHeaderNames.LOCATION, location)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("referrer-policy", "no-referrer")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (setCookie != null) {
            response.headers().set(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        return response;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
