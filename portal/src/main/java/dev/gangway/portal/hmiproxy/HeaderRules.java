package dev.gangway.portal.hmiproxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How requests and responses change on their way through the HMI proxy: the device sees its own host and origin
 * and none of our cookies; the browser sees the session's origin and only host-only device cookies.
 */
final class HeaderRules {

    static final String COOKIE_NAME = "gangway_hmi";

    /** Hop-by-hop headers (RFC 9110 7.6.1) plus legacy ones; each side of the proxy has its own connection. */
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection",
            "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "expect");

    /** Framing and identity headers a client cannot have removed by naming them in {@code Connection}. */
    private static final Set<String> PROTECTED = Set.of("host", "content-length", "transfer-encoding", "cookie",
            "origin", "referer", "set-cookie", "location", "content-type");

    private HeaderRules() {
    }

    /**
     * The session id in a {@code Host} value {@code <id>.<base-domain>[:port]}, or {@code null} when the value
     * does not name a session host of this base domain.
     */
    static String sessionIdFromHost(String host, String baseDomain) {
        if (host == null) {
            return null;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            String port = name.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            name = name.substring(0, colon);
        }
        String suffix = "." + baseDomain;
        if (!name.endsWith(suffix)) {
            return null;
        }
        String label = name.substring(0, name.length() - suffix.length());
        return Secrets.looksLikeSessionId(label) ? label : null;
    }

    static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The values of our cookie in the request's {@code Cookie} headers (an HMI page may plant more than one). */
    static List<String> sessionCookieValues(HttpHeaders headers) {
        List<String> values = new ArrayList<>(1);
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(COOKIE_NAME)) {
                    values.add(unquote(pair.substring(eq + 1).trim()));
                }
            }
        }
        return values;
    }

    /** What is wrong with the request's framing headers, or {@code null} when they are unambiguous. */
    static String framingProblem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!lengths.isEmpty() && !encodings.isEmpty()) {
            return "The request has both Content-Length and Transfer-Encoding; send only one of them.";
        }
        if (lengths.size() > 1 || (lengths.size() == 1 && lengths.get(0).indexOf(',') >= 0)) {
            return "The request has more than one Content-Length; send exactly one.";
        }
        if (encodings.size() > 1 || (encodings.size() == 1 && !encodings.get(0).trim().equalsIgnoreCase("chunked"))) {
            return "The request's Transfer-Encoding must be exactly 'chunked'.";
        }
        return null;
    }

    /**
     * Rewrites a request accepted for the session: the device's own {@code Host}, {@code Origin} and
     * {@code Referer}; no proxy cookie; no client-supplied forwarding headers; no hop-by-hop headers except the
     * two a WebSocket upgrade needs.
     */
    static void rewriteRequest(HttpRequest request, HmiSession session, boolean webSocket) {
        HttpHeaders headers = request.headers();
        removeHopByHop(headers);
        if (webSocket) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-forwarded-") || name.equals("forwarded") || name.equals("x-real-ip")) {
                names.add(name);
            }
        }
        names.forEach(headers::remove);
        headers.set(HttpHeaderNames.HOST, session.deviceAuthority());
        stripSessionCookie(headers);
        if (headers.contains(HttpHeaderNames.ORIGIN)) {
            headers.set(HttpHeaderNames.ORIGIN, session.deviceOrigin());
        }
        String referer = headers.get(HttpHeaderNames.REFERER);
        if (referer != null) {
            String onDevice = swapOrigin(referer, session.origin(), session.deviceOrigin());
            if (onDevice != null) {
                headers.set(HttpHeaderNames.REFERER, onDevice);
            } else {
                // a page of another origin: the device has no use for its address
                headers.remove(HttpHeaderNames.REFERER);
            }
        }
    }

    /**
     * Rewrites a device response for the browser: absolute {@code Location}s on the device's origin move to the
     * session's origin, device cookies become host-only, a device cookie named like ours is dropped.
     */
    static void rewriteResponse(HttpResponse response, HmiSession session, boolean switchingProtocols) {
        HttpHeaders headers = response.headers();
        if (switchingProtocols) {
            headers.remove("keep-alive");
            headers.remove("proxy-connection");
        } else {
            removeHopByHop(headers);
        }
        // an alternative service would send the browser elsewhere for this origin
        headers.remove(HttpHeaderNames.ALT_SVC);
        // every HMI session shares the browser's cookie jar for the HMI domain: "Clear-Site-Data: cookies" from one
        // device would wipe the cookies of the user's other HMI sessions (and their devices' storage)
        headers.remove("clear-site-data");
        String location = headers.get(HttpHeaderNames.LOCATION);
        if (location != null) {
            headers.set(HttpHeaderNames.LOCATION, rewriteLocation(location, session));
        }
        List<String> cookies = headers.getAll(HttpHeaderNames.SET_COOKIE);
        if (!cookies.isEmpty()) {
            headers.remove(HttpHeaderNames.SET_COOKIE);
            for (String cookie : cookies) {
                String kept = hostOnlyCookie(cookie);
                if (kept != null) {
                    headers.add(HttpHeaderNames.SET_COOKIE, kept);
                }
            }
        }
    }

    static String rewriteLocation(String location, HmiSession session) {
        String deviceOrigin = session.deviceOrigin();
        String scheme = session.tls() ? "https:" : "http:";
        String explicitPort = scheme + "//" + session.target().authority();
        for (String prefix : List.of(deviceOrigin, explicitPort, deviceOrigin.substring(scheme.length()),
                explicitPort.substring(scheme.length()))) {
            String rest = afterOrigin(location, prefix);
            if (rest != null) {
                return session.origin() + (rest.isEmpty() ? "/" : rest.charAt(0) == '/' ? rest : "/" + rest);
            }
        }
        return location;
    }

    /** The cookie without any {@code Domain} attribute, or {@code null} when it must not reach the browser. */
    static String hostOnlyCookie(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0 || parts[0].substring(0, eq).trim().equalsIgnoreCase(COOKIE_NAME)) {
            return null;
        }
        StringBuilder kept = new StringBuilder(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int attrEq = attribute.indexOf('=');
            String name = attrEq < 0 ? attribute : attribute.substring(0, attrEq).trim();
            if (!name.equalsIgnoreCase("domain") && !attribute.isEmpty()) {
                kept.append("; ").append(attribute);
            }
        }
        return kept.toString();
    }

    private static void stripSessionCookie(HttpHeaders headers) {
        List<String> kept = new ArrayList<>();
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                String trimmed = pair.trim();
                int eq = trimmed.indexOf('=');
                String name = eq < 0 ? trimmed : trimmed.substring(0, eq).trim();
                if (!trimmed.isEmpty() && !name.equalsIgnoreCase(COOKIE_NAME)) {
                    kept.add(trimmed);
                }
            }
        }
        headers.remove(HttpHeaderNames.COOKIE);
        if (!kept.isEmpty()) {
            headers.set(HttpHeaderNames.COOKIE, String.join("; ", kept));
        }
    }

    private static void removeHopByHop(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !PROTECTED.contains(name)) {
                    headers.remove(name);
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
    }

    /** {@code url} with {@code from} replaced by {@code to} when it starts with that origin, else {@code null}. */
    private static String swapOrigin(String url, String from, String to) {
        String rest = afterOrigin(url, from);
        return rest == null ? null : to + rest;
    }

    /** The part of {@code url} after {@code origin} when the URL is on that origin, else {@code null}. */
    private static String afterOrigin(String url, String origin) {
        if (!url.regionMatches(true, 0, origin, 0, origin.length())) {
            return null;
        }
        String rest = url.substring(origin.length());
        if (rest.isEmpty() || "/?#".indexOf(rest.charAt(0)) >= 0) {
            return rest;
        }
        return null;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
