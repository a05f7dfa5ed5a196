package dev.gangway.tunnel;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.Locale;

/**
 * Netty {@link ProxyHandler} for HTTP {@code CONNECT} with NTLM authentication, NTLMv2 only (see {@link Ntlm}). On one
 * TCP connection: {@code CONNECT} &rarr; 407 {@code Proxy-Authenticate: NTLM} &rarr; {@code CONNECT} with the
 * negotiate message &rarr; 407 with the proxy's challenge &rarr; {@code CONNECT} with the NTLMv2 authenticate message
 * &rarr; 200. A proxy that answers 200 at once needs no authentication and is fine too. The 407 bodies are read
 * (Content-Length or chunked) so the connection stays usable; a proxy that closes it between the steps fails the
 * handshake with a message saying so. Failures are {@link NtlmProxyException}s with plain words
 * ({@link ProxyFailure} turns them into {@link TunnelError#PROXY_REFUSED}), or Netty's
 * {@link HttpProxyHandler.HttpProxyConnectException} for other statuses (403, 502...).
 *
 * <p>One instance per connection, used on its channel's event loop only. The password stays in {@link ProxySettings}
 * and never appears in messages or logs.
 */
final class NtlmProxyHandler extends ProxyHandler {

    /** A failed NTLM handshake, its message in plain words (names the proxy and the account, never the password). */
    static final class NtlmProxyException extends ProxyConnectException {
        private static final long serialVersionUID = 1L;

        NtlmProxyException(String message) {
            super(message);
        }

        NtlmProxyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private enum Step { CONNECT, NEGOTIATE, AUTHENTICATE }

    private final ProxySettings proxy;
    private final HttpClientCodec codec = new HttpClientCodec();
    private Step step = Step.CONNECT;
    private HttpResponse response;

    NtlmProxyHandler(InetSocketAddress resolvedProxy, ProxySettings proxy) {
        super(resolvedProxy);
        if (proxy.scheme() != ProxySettings.Scheme.NTLM) {
            throw new IllegalArgumentException("not an NTLM proxy: " + proxy);
        }
        this.proxy = proxy;
    }

    @Override
    public String protocol() {
        return "http";
    }

    @Override
    public String authScheme() {
        return "ntlm";
    }

    @Override
    protected void addCodec(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), null, codec);
    }

    @Override
    protected void removeEncoder(ChannelHandlerContext ctx) {
        codec.removeOutboundHandler();
    }

    @Override
    protected void removeDecoder(ChannelHandlerContext ctx) {
        codec.removeInboundHandler();
    }

    @Override
    protected Object newInitialMessage(ChannelHandlerContext ctx) {
        return connectRequest(null);
    }

    private FullHttpRequest connectRequest(String authorization) {
        InetSocketAddress target = destinationAddress();
        String hostPort = HttpUtil.formatHostnameForHttp(target) + ":" + target.getPort();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, hostPort,
                Unpooled.EMPTY_BUFFER, false);
        request.headers().set(HttpHeaderNames.HOST, hostPort);
        request.headers().set(HttpHeaderNames.PROXY_CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, authorization);
        }
        return request;
    }

    @Override
    protected boolean handleResponse(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpResponse r) {
            if (response != null) {
                throw new NtlmProxyException(exceptionMessage("the HTTP proxy " + proxy.where()
                        + " sent a second answer to one CONNECT"));
            }
            response = r;
        }
        if (!(msg instanceof LastHttpContent)) {
            return false;
        }
        HttpResponse answer = response;
        response = null;
        if (answer == null) {
            throw new NtlmProxyException(exceptionMessage("the HTTP proxy " + proxy.where() + " sent no status"));
        }
        int status = answer.status().code();
        if (status == 200) {
            return true;
        }
        if (status != HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED.code()) {
            // Same form as Netty's HttpProxyHandler, so ProxyFailure names the status for both.
            throw new HttpProxyHandler.HttpProxyConnectException(exceptionMessage("status: " + answer.status()),
                    answer.headers());
        }
        switch (step) {
            case CONNECT -> {
                if (ntlmChallenge(answer.headers()) == null) {
                    throw new NtlmProxyException("the HTTP proxy " + proxy.where() + " does not offer NTLM"
                            + " authentication (it asks for " + offered(answer.headers()) + "); configure that"
                            + " scheme instead of ntlm");
                }
                keepAlive(answer);
                step = Step.NEGOTIATE;
                sendToProxyServer(connectRequest("NTLM " + Base64.getEncoder().encodeToString(Ntlm.negotiate())));
            }
            case NEGOTIATE -> {
                String challenge = ntlmChallenge(answer.headers());
                if (challenge == null || challenge.isEmpty()) {
                    throw new NtlmProxyException("the HTTP proxy " + proxy.where() + " did not answer the NTLM"
                            + " negotiation with a challenge (407 without one)");
                }
                keepAlive(answer);
                byte[] type3;
                try {
                    type3 = Ntlm.authenticate(Base64.getDecoder().decode(challenge), proxy.domain(),
                            proxy.username(), proxy.password(), proxy.workstation());
                } catch (IOException | IllegalArgumentException e) {
                    throw new NtlmProxyException("the HTTP proxy " + proxy.where() + " sent an NTLM challenge that"
                            + " cannot be read: " + e.getMessage(), e);
                }
                step = Step.AUTHENTICATE;
                sendToProxyServer(connectRequest("NTLM " + Base64.getEncoder().encodeToString(type3)));
            }
            case AUTHENTICATE -> throw new NtlmProxyException("the HTTP proxy " + proxy.where()
                    + " refused the NTLM credentials of " + proxy.account() + " (407); check the proxy domain,"
                    + " user name and password");
        }
        return false;
    }

    /** NTLM needs the same connection for every step. */
    private void keepAlive(HttpResponse answer) throws NtlmProxyException {
        boolean close = answer.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                || answer.headers().containsValue(HttpHeaderNames.PROXY_CONNECTION, HttpHeaderValues.CLOSE, true)
                || answer.protocolVersion().equals(HttpVersion.HTTP_1_0)
                        && !answer.headers().containsValue(HttpHeaderNames.PROXY_CONNECTION,
                        HttpHeaderValues.KEEP_ALIVE, true)
                        && !answer.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE,
                        true);
        if (close) {
            throw new NtlmProxyException("the HTTP proxy " + proxy.where() + " closes the connection during the"
                    + " NTLM handshake (NTLM needs one connection for all its steps); check the proxy's keep-alive"
                    + " settings");
        }
    }

    /** The token after "NTLM" in a Proxy-Authenticate header ("" for a bare "NTLM"), or null when none offers NTLM. */
    static String ntlmChallenge(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.PROXY_AUTHENTICATE)) {
            String v = value.trim();
            if (v.equalsIgnoreCase("NTLM")) {
                return "";
            }
            if (v.regionMatches(true, 0, "NTLM ", 0, 5)) {
                return v.substring(5).trim();
            }
        }
        return null;
    }

    private static String offered(HttpHeaders headers) {
        StringBuilder schemes = new StringBuilder();
        for (String value : headers.getAll(HttpHeaderNames.PROXY_AUTHENTICATE)) {
            String scheme = value.trim().split("[ ,]", 2)[0];
            if (!scheme.isEmpty()) {
                schemes.append(schemes.length() == 0 ? "" : ", ").append(scheme.toLowerCase(Locale.ROOT));
            }
        }
        return schemes.length() == 0 ? "no scheme at all" : schemes.toString();
    }
}
