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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Opens streams through the embedded relay: checks once more that the device is in the user's account and that
 * the user still holds the right the stream's {@link DeviceStreams.Purpose} needs ("Open web HMIs" for the HMI proxy,
 * a remote desktop right for the desktop tunnel), signs a ticket valid for {@value #TICKET_SECONDS} seconds and lets
 * the relay verify it like any other.
 *
 * <p>The HMI proxy calls {@link #open} on its Netty event loop, and the ownership check reads the database: it runs
 * on a small pool of its own ({@value #CHECK_THREADS} threads, {@value #CHECK_QUEUE} waiting checks at most; beyond
 * that the open fails at once rather than queueing without bound), so {@code open} never blocks its caller.
 */
@Component
class RelayDeviceStreams implements DeviceStreams, AutoCloseable {

    static final int TICKET_SECONDS = 60;
    static final int CHECK_THREADS = 4;
    static final int CHECK_QUEUE = 256;

    private final EmbeddedRelay relay;
    private final DeviceOwnership ownership;
    private final TicketKeys ticketKeys;
    private final Clock clock;
    private final ExecutorService checks;

    RelayDeviceStreams(EmbeddedRelay relay, DeviceOwnership ownership, TicketKeys ticketKeys, Clock clock) {
        this.relay = relay;
        this.ownership = ownership;
        this.ticketKeys = ticketKeys;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.checks = new ThreadPoolExecutor(CHECK_THREADS, CHECK_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(CHECK_QUEUE), task -> {
                    Thread thread = new Thread(task, "gangway-stream-check-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target) {
        return open(account, user, deviceId, target, Purpose.WEB_HMI);
    }

    @Override
    public CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target,
            Purpose purpose) {
        CompletableFuture<Boolean> inAccount;
        try {
            inAccount = CompletableFuture.supplyAsync(() -> switch (purpose) {
                case WEB_HMI -> ownership.mayOpenWeb(deviceId, account, user);
                case DESKTOP -> ownership.mayOpenDesktop(deviceId, account, user);
            }, checks);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE,
                    "the portal is too busy to open a stream to device " + deviceId + " now; try again"));
        }
        return inAccount.thenCompose(owned -> owned ? openChecked(account, user, deviceId, target)
                : CompletableFuture.failedFuture(TunnelException.of(TunnelError.UNKNOWN_DEVICE,
                        "device " + deviceId + " is not in the user's account, or the user may not open it")));
    }

    private CompletableFuture<Channel> openChecked(String account, String user, String deviceId, LanTarget target) {
        return relay.server().map(server -> {
            StreamTicket ticket = new StreamTicket(UUID.randomUUID().toString(), account, user, deviceId, target,
                    clock.instant().plus(Duration.ofSeconds(TICKET_SECONDS)));
            return server.openStream(Tickets.sign(ticket, ticketKeys.privateKey()));
        }).orElseGet(() -> CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE,
                "the relay is not running")));
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
