package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopRequest;
import java.util.Objects;

/**
 * The default desktop converter: an RFB client in the portal JVM whose screen becomes Guacamole instructions
 * ({@link VncDesktopSession}). Selected for services of kind {@code vnc}; the embedded RDP converter also uses it
 * for the private Xvnc that xfreerdp draws into (any request is accepted by {@link #open}; only
 * {@link #handles} looks at the kind). Stateless and thread-safe.
 */
public final class EmbeddedVncConverter implements DesktopConverter {

    private final VncSettings settings;

    public EmbeddedVncConverter(VncSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return "embedded-vnc";
    }

    @Override
    public boolean handles(String kind) {
        return "vnc".equals(kind);
    }

    @Override
    public VncDesktopSession open(DesktopRequest request) {
        return new VncDesktopSession(Objects.requireNonNull(request, "request"), settings);
    }
}
