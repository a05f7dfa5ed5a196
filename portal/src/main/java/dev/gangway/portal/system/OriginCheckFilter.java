package dev.gangway.portal.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses state-changing browser requests whose {@code Origin} is not the portal's own (403), before the CSRF
 * token is even looked at. An HMI page runs on its own origin ({@code <session>.hmi.<domain>}); whatever script a
 * device serves there, its POSTs to the portal carry that foreign origin and end here. Requests without an
 * {@code Origin} header (older clients) still need the CSRF token; {@code Origin: null} (sandboxed frames, opaque
 * redirects) is refused. WebSocket handshakes ({@code GET} with {@code Upgrade: websocket}, e.g. the desktop tunnel)
 * are checked too, and one without {@code Origin} is refused. The device agent API is machine-to-machine, without
 * cookies, and is not checked.
 *
 * <p>The portal's own origin is {@code gangway.portal.public-url} when set (the address behind a TLS reverse
 * proxy), else the request's scheme, host and port ({@code server.forward-headers-strategy=native} makes those the
 * browser's when a trusted proxy sends {@code X-Forwarded-*}).
 */
class OriginCheckFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(OriginCheckFilter.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    static final String AGENT_API_PREFIX = "/api/agent/";

    private final Optional<String> publicOrigin;

    OriginCheckFilter(PortalSettings settings) {
        this.publicOrigin = settings.publicUri().map(OriginCheckFilter::origin);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean webSocket = isWebSocketUpgrade(request);
        if ((!webSocket && SAFE_METHODS.contains(request.getMethod())) || isAgentApi(request)) {
            chain.doFilter(request, response);
            return;
        }
        String origin = request.getHeader("Origin");
        boolean crossSiteFetch = "cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
        // browsers always send Origin with a WebSocket handshake: one without is not from a portal page
        if (origin == null ? crossSiteFetch || webSocket : !isOwnOrigin(origin, request)) {
            log.warn("Refused {} {} from origin {}", request.getMethod(), request.getRequestURI(),
                    origin == null ? webSocket ? "(WebSocket without Origin header)" : "(cross-site, no Origin header)"
                            : origin);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream().write(("Refused: this request comes from another site (" + origin
                    + "). Use the portal's own pages.\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * A WebSocket handshake ({@code GET} with {@code Upgrade: websocket}): not bound by the same-origin policy, it
     * carries the session cookie from any site, so its origin is checked like a state-changing request's
     * (cross-site WebSocket hijacking).
     */
    private static boolean isWebSocketUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && "websocket".equalsIgnoreCase(upgrade.strip());
    }

    private static boolean isAgentApi(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith(AGENT_API_PREFIX);
    }

    private boolean isOwnOrigin(String origin, HttpServletRequest request) {
        String normalized;
        try {
            normalized = origin(URI.create(origin.strip()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (normalized == null) {
            return false;
        }
        // behind a TLS proxy the request's own scheme and port are the proxy's backend ones (http, 8080) unless
        // forwarded headers are trusted: the configured public address is what browsers really send
        String own = publicOrigin.orElseGet(
                () -> origin(request.getScheme(), request.getServerName(), request.getServerPort()));
        return normalized.equals(own);
    }

    private static String origin(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            return null;
        }
        return origin(uri.getScheme(), uri.getHost(), uri.getPort());
    }

    static String origin(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        boolean defaultPort = port < 0 || ("http".equals(s) && port == 80) || ("https".equals(s) && port == 443);
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return s + "://" + h + (defaultPort ? "" : ":" + port);
    }
}
