package dev.gangway.portal.relay;

import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Opens streams through the embedded relay: checks once more that the device is in the user's account, signs a
 * ticket valid for {@value #TICKET_SECONDS} seconds and lets the relay verify it like any other.
 */
@Component
class RelayDeviceStreams implements DeviceStreams {

    static final int TICKET_SECONDS = 60;

    private final EmbeddedRelay relay;
    private final DeviceOwnership ownership;
    private final TicketKeys ticketKeys;
    private final Clock clock;

    RelayDeviceStreams(EmbeddedRelay relay, DeviceOwnership ownership, TicketKeys ticketKeys, Clock clock) {
        this.relay = relay;
        this.ownership = ownership;
        this.ticketKeys = ticketKeys;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target) {
        if (!ownership.isInAccount(deviceId, account)) {
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.UNKNOWN_DEVICE,
                    "device " + deviceId + " is not in the user's account"));
        }
        return relay.server().map(server -> {
            StreamTicket ticket = new StreamTicket(UUID.randomUUID().toString(), account, user, deviceId, target,
                    clock.instant().plus(Duration.ofSeconds(TICKET_SECONDS)));
            return server.openStream(Tickets.sign(ticket, ticketKeys.privateKey()));
        }).orElseGet(() -> CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE,
                "the relay is not running")));
    }
}
