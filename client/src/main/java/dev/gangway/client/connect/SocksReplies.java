package dev.gangway.client.connect;

import dev.gangway.client.portal.PortalException;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The SOCKS5 reply (RFC 1928 §6) for a stream that could not be opened, so a SOCKS client can tell "not allowed"
 * from "offline" from "nothing listens there".
 *
 * <table>
 * <caption>replies</caption>
 * <tr><td>0x02 not allowed</td><td>no right ({@code no-right}, {@code NO_RIGHT}), target not in the device's
 * allowed services ({@code TARGET_NOT_ALLOWED})</td></tr>
 * <tr><td>0x03 network unreachable</td><td>the device is offline ({@code device-offline}, {@code DEVICE_OFFLINE})</td></tr>
 * <tr><td>0x04 host unreachable</td><td>the agent cannot connect to the target ({@code TARGET_UNREACHABLE})</td></tr>
 * <tr><td>0x05 connection refused</td><td>the same, when the agent's reason says the connection was refused</td></tr>
 * <tr><td>0x01 general failure</td><td>anything else</td></tr>
 * </table>
 */
final class SocksReplies {

    private SocksReplies() {
    }

    static Socks5CommandStatus status(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof PortalException p && p.code() != null) {
            return switch (p.code()) {
                case "no-right" -> Socks5CommandStatus.FORBIDDEN;
                case "device-offline" -> Socks5CommandStatus.NETWORK_UNREACHABLE;
                default -> Socks5CommandStatus.FAILURE;
            };
        }
        if (cause instanceof TunnelException t) {
            TunnelError error = t.error();
            return switch (error) {
                case NO_RIGHT, TARGET_NOT_ALLOWED -> Socks5CommandStatus.FORBIDDEN;
                case DEVICE_OFFLINE -> Socks5CommandStatus.NETWORK_UNREACHABLE;
                case TARGET_UNREACHABLE -> String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("refused")
                        ? Socks5CommandStatus.CONNECTION_REFUSED : Socks5CommandStatus.HOST_UNREACHABLE;
                default -> Socks5CommandStatus.FAILURE;
            };
        }
        return Socks5CommandStatus.FAILURE;
    }

    /** The failure inside a future's wrapper. */
    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
