package dev.gangway.portal.relay;

import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelListener;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the relay's events to {@link TunnelEvents} on one thread of its own: the relay calls on I/O threads that
 * must not wait for the database, and one thread keeps "up" and "down" of a device in order.
 */
class RegistryTunnelListener implements TunnelListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryTunnelListener.class);

    private final TunnelEvents tunnels;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gangway-relay-events");
        thread.setDaemon(true);
        return thread;
    });

    RegistryTunnelListener(TunnelEvents tunnels) {
        this.tunnels = tunnels;
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
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Cannot record a tunnel event", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Tunnel event after shutdown ignored");
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnels.relayStopped();
    }
}
