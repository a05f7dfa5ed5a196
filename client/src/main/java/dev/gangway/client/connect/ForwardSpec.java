package dev.gangway.client.connect;

import dev.gangway.client.ClientException;
import dev.gangway.tunnel.LanTarget;

/**
 * One {@code --forward [LOCAL:]HOST:PORT}: listen on local port {@code LOCAL} (any free one when omitted) and
 * forward to {@code HOST:PORT} on the device's LAN. IPv6 hosts are written in brackets: {@code [fd00::2]:502},
 * {@code 5020:[fd00::2]:502}.
 *
 * @param localPort the local port, or 0 for any free one
 * @param target    the LAN target
 */
public record ForwardSpec(int localPort, LanTarget target) {

    private static final String FORM = "write it as [LOCAL:]HOST:PORT, e.g. 8080:198.19.0.2:80, 198.19.0.2:502"
            + " or [fd00::2]:502";

    /**
     * Parses {@code [LOCAL:]HOST:PORT}.
     *
     * @throws ClientException (exit code 2) naming what is wrong
     */
    public static ForwardSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        String option = "--forward '" + text + "'";
        if (t.isEmpty()) {
            throw ClientException.usage("--forward needs a value; " + FORM);
        }
        String local = null;
        String host;
        String port;
        if (t.startsWith("[") || t.matches("\\d+:\\[.*")) {
            int open = t.indexOf('[');
            if (open > 0) {
                local = t.substring(0, open - 1);
            }
            int close = t.indexOf(']', open);
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw ClientException.usage(option + " is not understood; " + FORM);
            }
            host = t.substring(open + 1, close);
            port = t.substring(close + 2);
        } else {
            String[] parts = t.split(":", -1);
            if (parts.length == 2) {
                host = parts[0];
                port = parts[1];
            } else if (parts.length == 3) {
                local = parts[0];
                host = parts[1];
                port = parts[2];
            } else if (parts.length > 3) {
                throw ClientException.usage(option + ": write an IPv6 address in brackets, e.g. [fd00::2]:502");
            } else {
                throw ClientException.usage(option + " has no port; " + FORM);
            }
        }
        boolean bracketed = t.contains("[");
        if (!(bracketed ? host.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*") : host.matches("[A-Za-z0-9._-]+"))) {
            throw ClientException.usage(option + ": '" + host + "' is not a host; " + FORM);
        }
        int targetPort = port(port, option + ": the target port", 1);
        int localPort = local == null ? 0 : port(local, option + ": the local port", 0);
        return new ForwardSpec(localPort, new LanTarget(host, targetPort));
    }

    private static int port(String text, String what, int min) {
        if (!text.matches("\\d{1,5}")) {
            throw ClientException.usage(what + " '" + text + "' is not a number; " + FORM);
        }
        int value = Integer.parseInt(text);
        if (value < min || value > 65535) {
            throw ClientException.usage(what + " " + value + " is outside " + min + "-65535");
        }
        return value;
    }
}
