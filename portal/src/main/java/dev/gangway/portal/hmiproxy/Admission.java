package dev.gangway.portal.hmiproxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides about a request head before anything of it reaches a device: which session its host names, whether it
 * carries that session's cookie, whether it comes from the session's own pages, whether its framing is
 * unambiguous. Also serves the entry link that hands out the cookie.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    static final String ENTRY_PATH = "/__gangway/enter";
    private static final String RESERVED_PREFIX = "/__gangway/";

    /** What to do with a request. */
    sealed interface Verdict permits Forward, Enter, Refusal {
    }

    /** Pass the request to the session's device. */
    record Forward(HmiSession session, boolean webSocket) implements Verdict {
    }

    /** Redirect to {@code /}, setting the session cookie when {@code setCookie} is not null. */
    record Enter(String setCookie) implements Verdict {
    }

    private final HmiSessionRegistry registry;
    private final HmiProxySettings settings;

    Admission(HmiSessionRegistry registry) {
        this.registry = registry;
        this.settings = registry.settings();
    }

    /**
     * @param bound the session the connection already belongs to, or {@code null} for its first request
     */
    Verdict check(HttpRequest request, HmiSession bound) {
        if (request.decoderResult().isFailure()) {
            return Refusal.undecodable(request.decoderResult().cause(), settings.maxHeaderSize());
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        String id = hosts.size() == 1 ? HeaderRules.sessionIdFromHost(hosts.get(0), settings.baseDomain()) : null;
        if (id == null) {
            return Refusal.unknownHost();
        }
        HmiSessionRegistry.Lookup lookup = registry.lookup(id);
        HmiSession session = lookup.session();
        if (session == null) {
            return lookup.ended() ? Refusal.ended() : Refusal.unknownHost();
        }
        if (bound != null && bound != session) {
            return new Refusal(HttpResponseStatus.MISDIRECTED_REQUEST, "Wrong connection",
                    "This connection belongs to another HMI session; open a new connection for this one.");
        }
        if (!request.uri().startsWith("/")) {
            return Refusal.badRequest("The request target must be a path starting with '/'.");
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.rawPath();
        if (path.equals(ENTRY_PATH)) {
            return enter(request, session, query);
        }
        if (path.startsWith(RESERVED_PREFIX)) {
            return new Refusal(HttpResponseStatus.NOT_FOUND, "Not found", "There is no such page of the HMI proxy.");
        }
        if (!hasSessionCookie(request, session)) {
            log.debug("HMI {} refused {} {}: no valid session cookie", id, request.method(), path);
            return Refusal.noCookie();
        }
        session.touch(registry.now());
        if (request.method().equals(HttpMethod.CONNECT)) {
            return new Refusal(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                    "The HMI proxy does not tunnel CONNECT requests.");
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        boolean webSocket = HeaderRules.isWebSocketUpgrade(request);
        // a WebSocket upgrade must say where it comes from: browsers always do (cross-site WebSocket hijacking)
        if (origin != null ? !origin.equalsIgnoreCase(session.origin()) : webSocket) {
            log.debug("HMI {} refused {} {} from origin {}", id, request.method(), path, origin);
            return Refusal.foreignOrigin(origin);
        }
        String framing = HeaderRules.framingProblem(request);
        if (framing != null) {
            return Refusal.badRequest(framing);
        }
        return new Forward(session, webSocket);
    }

    private Verdict enter(HttpRequest request, HmiSession session, QueryStringDecoder query) {
        if (!request.method().equals(HttpMethod.GET)) {
            return new Refusal(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed",
                    "The entry link takes GET only.");
        }
        List<String> tokens = query.parameters().get("token");
        String token = tokens == null || tokens.isEmpty() ? null : tokens.get(0);
        HmiSession.Entry entry = session.consumeEntryToken(token, registry.now());
        if (entry == HmiSession.Entry.ACCEPTED) {
            session.touch(registry.now());
            log.debug("HMI {} entered", session.id());
            return new Enter(HeaderRules.COOKIE_NAME + "=" + session.cookieSecret()
                    + "; Path=/; HttpOnly; SameSite=Lax" + (settings.secure() ? "; Secure" : ""));
        }
        if (hasSessionCookie(request, session)) {
            // a reload of the entry link by a browser that already got in
            return new Enter(null);
        }
        log.debug("HMI {} entry refused: {}", session.id(), entry);
        return Refusal.entryUsed();
    }

    private static boolean hasSessionCookie(HttpRequest request, HmiSession session) {
        boolean match = false;
        for (String value : HeaderRules.sessionCookieValues(request.headers())) {
            // no early exit: every presented value costs the same
            match |= session.cookieMatches(value);
        }
        return match;
    }
}
