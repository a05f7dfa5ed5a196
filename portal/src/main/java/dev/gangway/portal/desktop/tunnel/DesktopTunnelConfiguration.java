package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.PortalSettings;
import java.net.URI;
import java.security.Principal;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Registers the desktop tunnel's WebSocket at {@value #PATH}. The handshake is an ordinary request of the portal's
 * pages: Spring Security lets only a signed-in user through (the session cookie; 401 otherwise), and
 * {@code system.OriginCheckFilter} refuses an upgrade whose {@code Origin} is not the portal's own (cross-site
 * WebSocket hijacking: a WebSocket is not bound by the same-origin policy and carries the cookie). Here, once more:
 * Spring's origin check (the configured public URL's origin, else the request's own), and the signed-in
 * {@link PortalUser} is taken into the WebSocket session's attributes with the browser's address.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(DesktopSettings.class)
class DesktopTunnelConfiguration implements WebSocketConfigurer {

    static final String PATH = "/desktop/tunnel";

    private final DesktopTunnelHandler handler;
    private final PortalSettings portal;

    DesktopTunnelConfiguration(DesktopTunnelHandler handler, PortalSettings portal) {
        this.handler = handler;
        this.portal = portal;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        WebSocketHandlerRegistration registration = registry.addHandler(handler, PATH)
                .addInterceptors(new SignedIn());
        // without allowed origins Spring accepts the request's own origin only; behind a TLS proxy that is the
        // public URL's
        portal.publicUri().map(DesktopTunnelConfiguration::origin).ifPresent(registration::setAllowedOrigins);
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port < 0 || ("http".equals(scheme) && port == 80)
                || ("https".equals(scheme) && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Lets only a signed-in portal user through; notes the user and the browser's address. */
    static final class SignedIn implements HandshakeInterceptor {

        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler wsHandler, Map<String, Object> attributes) {
            Principal principal = request.getPrincipal();
            if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()
                    || !(authentication.getPrincipal() instanceof PortalUser user)
                    || authentication.getAuthorities().stream().noneMatch(a -> "ROLE_USER".equals(a.getAuthority()))) {
                response.setStatusCode(HttpStatus.UNAUTHORIZED);
                return false;
            }
            attributes.put(DesktopTunnelHandler.USER, user);
            if (request instanceof ServletServerHttpRequest servlet) {
                attributes.put(DesktopTunnelHandler.CLIENT_ADDRESS, servlet.getServletRequest().getRemoteAddr());
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                WebSocketHandler wsHandler, Exception exception) {
        }
    }
}
