package dev.gangway.portal.relay;

import dev.gangway.tunnel.Alarm;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelListener;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the relay's events to {@link TunnelEvents} (device tunnels) and {@link ClientStreams} (the ends of the
 * client's streams, bound tickets only) on one thread of its own: the relay calls on I/O threads that must not wait
 * for the database, and one thread keeps "up" and "down" of a device, and "admitted" and "closed" of a stream, in
 * order.
 *
 * <p>Alarms go to {@link DeviceAlarms} on a small pool of their own ({@value #ALARM_THREADS} threads, at most
 * {@value #ALARM_BACKLOG} batches waiting), so storing them never delays tunnel events nor blocks an I/O thread. The
 * stage given back to the relay completes only after {@link DeviceAlarms#store} returned, that is after the commit;
 * it fails when they were not stored (no alarm feature, a full backlog, a database error), and the relay asks the
 * agent again later with the old acknowledgement, so nothing is lost.
 */
class RegistryTunnelListener implements TunnelListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryTunnelListener.class);

    static final int ALARM_THREADS = 2;
    static final int ALARM_BACKLOG = 1000;

    private final TunnelEvents tunnels;
    private final ClientStreams clientStreams;
    private final DeviceAlarms alarms;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gangway-relay-events");
        thread.setDaemon(true);
        return thread;
    });
    private final ThreadPoolExecutor alarmExecutor = new ThreadPoolExecutor(ALARM_THREADS, ALARM_THREADS, 0,
            TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(ALARM_BACKLOG), threads("gangway-relay-alarms-"));

    /** Without an alarm feature: alarms are refused (the agents keep them). */
    RegistryTunnelListener(TunnelEvents tunnels, ClientStreams clientStreams) {
        this(tunnels, clientStreams, null);
    }

    /**
     * @param alarms where alarms are stored; null: none are taken (each batch's stage fails, the agents keep them)
     */
    RegistryTunnelListener(TunnelEvents tunnels, ClientStreams clientStreams, DeviceAlarms alarms) {
        this.tunnels = tunnels;
        this.clientStreams = clientStreams;
        this.alarms = alarms;
    }

    @Override
    public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
        submit(() -> tunnels.tunnelUp(device.deviceId(), device.certificateSerial(), agentInfo));
    }

    @Override
    public void tunnelDown(DeviceIdentity device, String reason) {
        submit(() -> tunnels.tunnelDown(device.deviceId(), device.certificateSerial(), reason));
    }

    @Override
    public void streamOpened(StreamTicket ticket) {
        log.debug("Stream {} opened to {} on device {} for {}", ticket.ticketId(), ticket.target(), ticket.deviceId(),
                ticket.user());
    }

    @Override
    public void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
        log.debug("Stream {} closed ({} bytes to device, {} from device)", ticket.ticketId(), bytesToDevice,
                bytesFromDevice);
        if (ticket.isBound()) {
            submit(() -> clientStreams.streamClosed(ticket, bytesToDevice, bytesFromDevice));
        }
    }

    @Override
    public void streamFailed(StreamTicket ticket, TunnelException error) {
        log.debug("Stream {} to {} on device {} failed: {}", ticket.ticketId(), ticket.target(), ticket.deviceId(),
                error.getMessage());
        if (ticket.isBound()) {
            submit(() -> clientStreams.streamFailed(ticket, error));
        }
    }

    @Override
    public CompletionStage<Void> alarmsReceived(DeviceIdentity device, List<Alarm> received) {
        if (alarms == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this portal takes no alarms"));
        }
        List<Alarm> batch = List.copyOf(received);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        try {
            alarmExecutor.execute(() -> {
                try {
                    alarms.store(device.deviceId(), device.certificateSerial(), batch);
                    stored.complete(null);
                } catch (RuntimeException e) {
                    log.warn("Cannot store {} alarm(s) of device {} (the relay asks its agent again): {}",
                            batch.size(), device.deviceId(), e.toString());
                    stored.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("{} alarm(s) of device {} not taken now: {} batches wait already, or the relay stops (the relay"
                    + " asks its agent again)", batch.size(), device.deviceId(), ALARM_BACKLOG);
            stored.completeExceptionally(e);
        }
        return stored;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Cannot record a tunnel or stream event", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Tunnel event after shutdown ignored");
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        alarmExecutor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            alarmExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnels.relayStopped();
        clientStreams.relayStopped();
    }
}
