package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.desktop.DesktopConverter;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Picks the converter for a desktop service's kind: the {@link DesktopConverter} beans of the portal, chosen by
 * {@link DesktopConverter#name()} as {@code gangway.desktop.*} says ({@link DesktopSettings#converterFor}): guacd
 * for VNC and RDP when guacd's host is set, else the embedded VNC and the embedded RDP converter. A converter that is
 * missing from the portal, or says it cannot run here, makes the service unavailable, with the reason.
 *
 * <p>Thread-safe; the converters are looked up at each choice (cheap), so their own checks (is xfreerdp
 * installed?) are current.
 */
@Component
class DesktopConverters {

    private final ObjectProvider<DesktopConverter> converters;
    private final DesktopSettings settings;

    DesktopConverters(ObjectProvider<DesktopConverter> converters, DesktopSettings settings) {
        this.converters = converters;
        this.settings = settings;
    }

    /** A converter for the kind, or why there is none. */
    record Choice(DesktopConverter converter, String unavailableReason) {

        boolean isAvailable() {
            return converter != null;
        }
    }

    /** The converter for services of {@code kind} ({@code vnc}, {@code rdp}). */
    Choice choose(String kind) {
        String name = settings.converterFor(kind);
        if (name == null) {
            return new Choice(null, "services of kind '" + kind + "' are not shown as desktops");
        }
        List<DesktopConverter> all = converters.orderedStream().toList();
        for (DesktopConverter converter : all) {
            if (converter.name().equals(name) && converter.handles(kind)) {
                String reason = converter.unavailableReason();
                return reason == null ? new Choice(converter, null) : new Choice(null, reason);
            }
        }
        return new Choice(null, "the portal has no converter '" + name + "' for " + kind.toUpperCase(
                java.util.Locale.ROOT) + " desktops (gangway.desktop." + kind + "-converter; available: "
                + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(DesktopConverter::name).toList()))
                + ")");
    }
}
