package dev.gangway.portal.desktop.tunnel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.util.StringUtils;

/**
 * The WebSocket's query ({@code device=<id>&service=<name>&width=<px>&height=<px>&dpi=<n>}): which desktop, and the
 * browser's display area. Sizes that are missing or not numbers take defaults (1024 × 768 at 96 dpi); numbers out of
 * range are clamped (64-8192 pixels, 48-480 dpi), as a browser window may be anything.
 *
 * @param deviceId the device id, or null when missing
 * @param service the service name, or null when missing
 */
record ConnectData(String deviceId, String service, int width, int height, int dpi) {

    static final int MAX_QUERY = 4096;
    static final int MIN_PIXELS = 64;
    static final int MAX_PIXELS = 8192;

    static ConnectData parse(URI uri) {
        String query = uri == null ? null : uri.getRawQuery();
        Map<String, String> values = new HashMap<>();
        if (query != null && query.length() <= MAX_QUERY) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (name != null && value != null) {
                    values.putIfAbsent(name, value);
                }
            }
        }
        return new ConnectData(text(values.get("device")), text(values.get("service")),
                number(values.get("width"), 1024, MIN_PIXELS, MAX_PIXELS),
                number(values.get("height"), 768, MIN_PIXELS, MAX_PIXELS),
                number(values.get("dpi"), 96, 48, 480));
    }

    boolean isComplete() {
        return deviceId != null && service != null;
    }

    private static String decode(String raw) {
        try {
            return StringUtils.uriDecode(raw.replace('+', ' '), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(String value) {
        return value == null || value.isBlank() || value.length() > 64 ? null : value;
    }

    private static int number(String value, int unknown, int min, int max) {
        if (value == null || value.isEmpty() || value.length() > 9) {
            return unknown;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return unknown;
        }
    }
}
