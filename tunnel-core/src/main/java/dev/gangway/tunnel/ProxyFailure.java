package dev.gangway.tunnel;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what Netty reports when an HTTP proxy does not let the tunnel through into a message a user can act on. */
final class ProxyFailure {

    /** Netty's HTTP proxy handler puts the proxy's answer in the message as "status: 407 Proxy ...". */
    private static final Pattern STATUS = Pattern.compile("status: (\\d{3})( [^,]*)?");

    private ProxyFailure() {
    }

    static TunnelException describe(ProxySettings proxy, String relay, Throwable cause) {
        return describeTarget(proxy, "the relay " + relay, cause);
    }

    /** As {@link #describe} for a CONNECT to {@code target} (e.g. "the relay relay.example:443" or "host:443"). */
    static TunnelException describeTarget(ProxySettings proxy, String target, Throwable cause) {
        String message;
        Matcher status = STATUS.matcher(String.valueOf(cause.getMessage()));
        if (cause instanceof NtlmProxyHandler.NtlmProxyException) {
            message = cause.getMessage(); // already in plain words
        } else if (cause instanceof ProxyConnectException && status.find()) {
            int code = Integer.parseInt(status.group(1));
            boolean wantsNtlmOnly = cause instanceof HttpProxyHandler.HttpProxyConnectException h
                    && h.headers() != null && NtlmProxyHandler.ntlmChallenge(h.headers()) != null
                    && !h.headers().getAll(HttpHeaderNames.PROXY_AUTHENTICATE).stream()
                            .anyMatch(v -> v.trim().regionMatches(true, 0, "Basic", 0, 5));
            if (code == 407 && wantsNtlmOnly && proxy.scheme() != ProxySettings.Scheme.NTLM) {
                message = "the HTTP proxy " + proxy.where() + " asks for NTLM authentication (407); configure the"
                        + " proxy's scheme as ntlm with a domain, user name and password";
            } else if (code == 407 && proxy.username() == null) {
                message = "the HTTP proxy " + proxy.where() + " asks for credentials (407); configure a proxy"
                        + " user name and password";
            } else if (code == 407) {
                message = "the HTTP proxy " + proxy.where() + " refused the credentials (407) of user '"
                        + proxy.username() + "'; check the proxy user name and password";
            } else {
                message = "the HTTP proxy " + proxy.where() + " refused to connect to " + target + " ("
                        + code + (status.group(2) == null ? "" : status.group(2)) + ")";
            }
        } else if (cause instanceof ProxyConnectException && String.valueOf(cause.getMessage()).contains("timeout")) {
            message = "the HTTP proxy " + proxy.where() + " did not answer the CONNECT to " + target
                    + " in time";
        } else if (cause instanceof ConnectException || cause.getCause() instanceof ConnectException) {
            message = "cannot reach the HTTP proxy " + proxy.where() + ": " + RelayConnection.brief(cause);
        } else {
            message = "connecting through the HTTP proxy " + proxy.where() + " failed: " + RelayConnection.brief(cause);
        }
        return new TunnelException(TunnelError.PROXY_REFUSED, message, cause);
    }
}
