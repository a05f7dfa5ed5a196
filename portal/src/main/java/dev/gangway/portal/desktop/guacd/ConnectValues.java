package dev.gangway.portal.desktop.guacd;

import dev.gangway.portal.desktop.DesktopCredentials;
import java.util.ArrayList;
import java.util.List;
import org.apache.guacamole.protocol.GuacamoleProtocolVersion;

/**
 * The values of guacd's {@code connect} instruction: one per name of its {@code args}, in that order (the protocol
 * version first, when guacd sent one). Everything not listed here is left empty, which means guacd's default; in
 * particular drives, printing, audio input, SFTP, recording and wake-on-LAN stay off.
 */
final class ConnectValues {

    private ConnectValues() {
    }

    /**
     * @param argNames guacd's {@code args} (the first may be {@code VERSION_x_y_z})
     * @param kind {@code vnc} or {@code rdp}
     * @param host where guacd connects to (the splice)
     * @param port the splice's port
     * @param credentials the stored credentials (parts may be null: guacd then asks the browser with
     *     {@code required}, which is relayed)
     * @param viewOnly whether the user may only watch
     */
    static List<String> of(List<String> argNames, String kind, String host, int port, DesktopCredentials credentials,
            boolean viewOnly) {
        List<String> values = new ArrayList<>(argNames.size());
        for (int i = 0; i < argNames.size(); i++) {
            String name = argNames.get(i);
            if (i == 0 && name.startsWith("VERSION_")) {
                values.add(negotiated(name).toString());
                continue;
            }
            values.add(value(name, kind, host, port, credentials, viewOnly));
        }
        return values;
    }

    /** The highest version both speak: guacd's, at most the one guacamole-common knows ({@code LATEST}). */
    static GuacamoleProtocolVersion negotiated(String guacdVersion) {
        GuacamoleProtocolVersion theirs = GuacamoleProtocolVersion.parseVersion(guacdVersion);
        if (theirs == null) {
            return GuacamoleProtocolVersion.VERSION_1_0_0;
        }
        return GuacamoleProtocolVersion.LATEST.atLeast(theirs) ? theirs : GuacamoleProtocolVersion.LATEST;
    }

    private static String value(String name, String kind, String host, int port, DesktopCredentials credentials,
            boolean viewOnly) {
        return switch (name) {
            case "hostname" -> host;
            case "port" -> Integer.toString(port);
            case "username" -> orEmpty(credentials.username());
            case "password" -> orEmpty(credentials.password());
            case "domain" -> "rdp".equals(kind) ? orEmpty(credentials.domain()) : "";
            case "read-only" -> viewOnly ? "true" : "";
            // a viewer pastes nothing into the remote machine (the browser's clipboard is also dropped by us)
            case "disable-paste" -> viewOnly ? "true" : "";
            // the TLS of RDP ends at the LAN service; the device tunnel is the security boundary (docs/desktop.md)
            case "ignore-cert" -> "rdp".equals(kind) ? "true" : "";
            default -> "";
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
