package dev.gangway.portal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.channel.Channel;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RelayDeviceStreamsTest {

    @Test
    void theOwnershipCheckRunsOffTheCallersThreadAndOpenDoesNotWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> checkedOn = new CompletableFuture<>();
        DeviceOwnership slowDatabase = (deviceId, accountId, username) -> {
            checkedOn.complete(Thread.currentThread());
            try {
                // stands for a slow query; bounded only so a broken implementation fails instead of hanging
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
        try (RelayDeviceStreams streams = new RelayDeviceStreams(mock(EmbeddedRelay.class), slowDatabase,
                mock(TicketKeys.class), Clock.systemUTC())) {
            CompletableFuture<Channel> opening = streams.open("acme", "alice", "device-1",
                    new LanTarget("198.19.0.2", 80));

            assertThat(opening).isNotDone();
            release.countDown();
            assertThat(checkedOn.get()).isNotSameAs(Thread.currentThread());
            // the check is kept: a device of another account is refused
            assertThatThrownBy(opening::get).isInstanceOf(ExecutionException.class)
                    .rootCause().isInstanceOf(TunnelException.class)
                    .satisfies(e -> assertThat(((TunnelException) e).error()).isEqualTo(TunnelError.UNKNOWN_DEVICE));
        }
    }
}
