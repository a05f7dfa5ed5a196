package dev.gangway.portal.desktop.tunnel;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the remote desktop tunnel ({@code gangway.desktop.*}); the converters' own settings live under the
 * same prefix and are read by them.
 *
 * @param guacd where guacd listens (the guacd converter reads the rest of {@code gangway.desktop.guacd.*}); with a
 *     host set, VNC and RDP go through guacd unless a converter is named below
 * @param vncConverter the converter for {@code vnc} services by name ({@code embedded-vnc}, {@code guacd}); unset:
 *     {@code guacd} when guacd's host is set, else {@code embedded-vnc}
 * @param rdpConverter the converter for {@code rdp} services ({@code embedded-rdp}, {@code guacd}); unset:
 *     {@code guacd} when guacd's host is set, else {@code embedded-rdp}
 * @param openTimeout how long opening a stream to the device's service may take
 * @param maxSessionsPerUser desktop sessions one user may have open at once (more are refused)
 * @param maxSessionsPerDevice desktop sessions open at once on one device, all users together (more are refused)
 * @param maxSessions desktop sessions the portal holds at once (each can hold a framebuffer of up to 64 MiB, or an
 *     xfreerdp and an Xvnc process; more are refused)
 * @param sendBufferBytes what may wait for a browser that reads slowly before its session ends (bytes of
 *     instruction text)
 * @param sendTimeout how long one message to a browser that stopped reading may take before its session ends
 */
@ConfigurationProperties("gangway.desktop")
record DesktopSettings(
        @DefaultValue Guacd guacd,
        String vncConverter,
        String rdpConverter,
        @DefaultValue("30s") Duration openTimeout,
        @DefaultValue("8") int maxSessionsPerUser,
        @DefaultValue("10") int maxSessionsPerDevice,
        @DefaultValue("100") int maxSessions,
        @DefaultValue("4194304") int sendBufferBytes,
        @DefaultValue("20s") Duration sendTimeout) {

    static final String EMBEDDED_VNC = "embedded-vnc";
    static final String EMBEDDED_RDP = "embedded-rdp";
    static final String GUACD = "guacd";

    /**
     * @param host guacd's host; empty: guacd is not used
     * @param port guacd's port
     */
    record Guacd(String host, @DefaultValue("4822") int port) {

        Guacd {
            if (port < 1 || port > 65535) {
                throw invalid("guacd.port", port + " is outside 1-65535");
            }
        }

        boolean isSet() {
            return host != null && !host.isBlank();
        }
    }

    DesktopSettings {
        if (guacd == null) {
            guacd = new Guacd(null, 4822);
        }
        vncConverter = blankToNull(vncConverter);
        rdpConverter = blankToNull(rdpConverter);
        if (openTimeout == null || openTimeout.isNegative() || openTimeout.isZero()
                || openTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw invalid("open-timeout", openTimeout + " is outside 1ms-5m");
        }
        if (maxSessionsPerUser < 1 || maxSessionsPerUser > 1000) {
            throw invalid("max-sessions-per-user", maxSessionsPerUser + " is outside 1-1000");
        }
        if (maxSessionsPerDevice < 1 || maxSessionsPerDevice > 1000) {
            throw invalid("max-sessions-per-device", maxSessionsPerDevice + " is outside 1-1000");
        }
        if (maxSessions < 1 || maxSessions > 100_000) {
            throw invalid("max-sessions", maxSessions + " is outside 1-100000");
        }
        if (sendBufferBytes < 64 * 1024 || sendBufferBytes > 256 * 1024 * 1024) {
            throw invalid("send-buffer-bytes", sendBufferBytes + " is outside 65536-268435456");
        }
        if (sendTimeout == null || sendTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || sendTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw invalid("send-timeout", sendTimeout + " is outside 1s-10m");
        }
    }

    /** The converter's name for a service kind ({@code vnc}, {@code rdp}), or null for another kind. */
    String converterFor(String kind) {
        return switch (kind) {
            case "vnc" -> vncConverter != null ? vncConverter : guacd.isSet() ? GUACD : EMBEDDED_VNC;
            case "rdp" -> rdpConverter != null ? rdpConverter : guacd.isSet() ? GUACD : EMBEDDED_RDP;
            default -> null;
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static IllegalArgumentException invalid(String name, String why) {
        return new IllegalArgumentException("gangway.desktop." + name + ": " + why);
    }
}
