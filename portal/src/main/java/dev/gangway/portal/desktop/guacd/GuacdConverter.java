package dev.gangway.portal.desktop.guacd;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import java.util.Objects;

/**
 * The guacd converter: VNC and RDP through Apache guacd (production alternative; docker-compose runs it). For each
 * session the portal opens a one-shot splice into the device tunnel, connects to guacd, does the Guacamole
 * handshake naming the splice as the service's host and port, then relays instructions both ways
 * ({@link GuacdSession}).
 *
 * <p>Only covered by a handshake contract test against a fake guacd: guacd is not packaged where this was built.
 * Stateless and thread-safe.
 */
public class GuacdConverter implements DesktopConverter {

    private final GuacdSettings settings;

    public GuacdConverter(GuacdSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** guacd at {@code host:port}; the splice on 127.0.0.1 (guacd on the portal's host). */
    public GuacdConverter(String host, int port) {
        this(GuacdSettings.of(host, port));
    }

    @Override
    public String name() {
        return "guacd";
    }

    @Override
    public boolean handles(String kind) {
        return "vnc".equals(kind) || "rdp".equals(kind);
    }

    @Override
    public String unavailableReason() {
        return settings.isSet() ? null
                : "guacd is not configured for this portal (set gangway.desktop.guacd.host, or choose an embedded"
                        + " converter)";
    }

    @Override
    public DesktopSession open(DesktopRequest request) {
        return new GuacdSession(request, settings);
    }
}
