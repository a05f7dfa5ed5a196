package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import dev.gangway.portal.desktop.web.DesktopAccess;
import dev.gangway.portal.desktop.web.DesktopMode;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Makes the {@link TunnelStreamOpener} of a desktop session: each {@code open()} checks the user's desktop right on
 * the device again (a session opened in control mode needs control still), opens a stream to the service through
 * {@link DeviceStreams} (which checks the right once more and signs a ticket), waits for it at most
 * {@code gangway.desktop.open-timeout}, and turns refusals into sentences for the user.
 *
 * <p>Thread-safe; {@code open()} blocks the calling thread (the session's).
 */
@Component
class DesktopStreams {

    private final DeviceStreams streams;
    private final DesktopAccess access;
    private final Duration timeout;

    DesktopStreams(DeviceStreams streams, DesktopAccess access, DesktopSettings settings) {
        this.streams = streams;
        this.access = access;
        this.timeout = settings.openTimeout();
    }

    /**
     * An opener for the user's session on the service.
     *
     * @param opened told of every stream opened (for the session's byte counts)
     */
    TunnelStreamOpener opener(PortalUser user, String deviceId, AgentService service, DesktopMode mode,
            Consumer<TunnelStream> opened) {
        LanTarget target = new LanTarget(service.host(), service.port());
        return () -> {
            Optional<DesktopMode> now = access.mode(user, deviceId);
            if (now.isEmpty()) {
                throw new IOException(Sentences.RIGHT_REMOVED);
            }
            if (mode == DesktopMode.CONTROL && now.get() != DesktopMode.CONTROL) {
                throw new IOException(Sentences.CONTROL_REMOVED);
            }
            TunnelStream stream = new ChannelTunnelStream(await(streams.open(user.accountId(), user.username(),
                    deviceId, target, DeviceStreams.Purpose.DESKTOP), target));
            opened.accept(stream);
            return stream;
        };
    }

    private Channel await(CompletableFuture<Channel> opening, LanTarget target) throws IOException {
        try {
            return opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(opening);
            throw new IOException("the device did not answer within " + timeout.toSeconds() + " seconds");
        } catch (InterruptedException e) {
            abandon(opening);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the desktop session ended while the device was being reached");
        } catch (ExecutionException e) {
            throw new IOException(sentence(e.getCause(), target), e.getCause());
        }
    }

    /** A stream that opens after all is closed at once. */
    private static void abandon(CompletableFuture<Channel> opening) {
        opening.whenComplete((channel, error) -> {
            if (channel != null) {
                channel.close();
            }
        });
    }

    /** Why a stream to {@code target} could not be opened, for the user. */
    static String sentence(Throwable error, LanTarget target) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof TunnelException tunnel)) {
            return "the connection to the device failed: " + (cause == null ? "unknown reason" : cause.getMessage());
        }
        return switch (tunnel.error()) {
            case DEVICE_OFFLINE -> "the device is offline";
            case TARGET_UNREACHABLE -> "the agent could not reach " + target.authority()
                    + " on the device's network (nothing answered there, or the connection was refused)";
            case TARGET_NOT_ALLOWED -> "the agent's configuration does not allow connections to "
                    + target.authority();
            case TOO_MANY_STREAMS -> "the device is busy with too many connections; close some and try again";
            case TIMEOUT -> "the device did not answer in time";
            case UNKNOWN_DEVICE, NO_RIGHT -> Sentences.RIGHT_REMOVED;
            case REVOKED -> "the device's certificate was revoked";
            case SITE_DISABLED -> "remote access is switched off on site";
            case SENT_OFFLINE, IDLE_TIMEOUT -> "the device is offline (on demand): connect it from the device page"
                    + " first";
            case DRAINING, RELAY_SHUTDOWN -> "the relay is restarting; try again in a moment";
            default -> "the connection to the device failed: " + tunnel.getMessage();
        };
    }
}
