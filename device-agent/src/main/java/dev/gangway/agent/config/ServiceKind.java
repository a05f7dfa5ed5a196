package dev.gangway.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a LAN service speaks; the portal offers "Open" for web kinds and desktops/forwards for the others. */
public enum ServiceKind {
    HTTP, HTTPS, VNC, RDP, TCP;

    /** The lower-case name used in the configuration and the agent-info JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ServiceKind> fromId(String id) {
        return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst();
    }

    static String allIds() {
        return Arrays.stream(values()).map(ServiceKind::id).collect(Collectors.joining(", "));
    }
}
