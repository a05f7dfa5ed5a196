package dev.gangway.portal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.TestData;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.alarm.AlarmTestSupport;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.tunnel.Alarm;
import dev.gangway.tunnel.DeviceIdentity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * The relay's alarm path into the portal: {@link RegistryTunnelListener#alarmsReceived} stores on a thread of its
 * own (never the caller's, which is a tunnel's event loop), and its stage completes only once the alarms are
 * committed — only then does the relay acknowledge them to the agent. A failure fails the stage (the relay asks
 * again), and a portal without the alarm feature refuses them.
 */
class RegistryTunnelListenerAlarmsTest extends AlarmTestSupport {

    @Test
    void theStageCompletesOnlyAfterTheAlarmsAreCommittedAndNotOnTheCallersThread() throws Exception {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        String device = DeviceTestData.newDevice(registry, admin.accountId(), "Listener press");
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> storingThread = new AtomicReference<>();
        DeviceAlarms held = (deviceId, serial, batch) -> {
            storingThread.set(Thread.currentThread().getName());
            await(release);
            alarms.store(deviceId, serial, batch);
        };
        RegistryTunnelListener listener = new RegistryTunnelListener(Mockito.mock(TunnelEvents.class),
                Mockito.mock(ClientStreams.class), held);
        try {
            Alarm alarm = alarm("Pressure low", "");
            CompletableFuture<Integer> rowsAtCompletion = listener.alarmsReceived(new DeviceIdentity(device, "ab12"),
                    List.of(alarm)).toCompletableFuture().thenApply(done -> committedRows(device));

            assertThat(rowsAtCompletion).as("not acknowledged while the store has not returned").isNotDone();
            assertThat(committedRows(device)).isZero();
            release.countDown();

            assertThat(rowsAtCompletion.get(30, TimeUnit.SECONDS)).as("rows another connection sees at completion")
                    .isOne();
            assertThat(storingThread.get()).startsWith("gangway-relay-alarms-")
                    .isNotEqualTo(Thread.currentThread().getName());

            // the agent delivers the same alarm again (its acknowledgement was lost): completes, stores nothing new
            listener.alarmsReceived(new DeviceIdentity(device, "ab12"), List.of(alarm)).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertThat(committedRows(device)).isOne();
        } finally {
            release.countDown();
            listener.close();
        }
    }

    @Test
    void aStoreThatFailsFailsTheStageAndAPortalWithoutAlarmsRefusesThem() {
        DeviceAlarms broken = (deviceId, serial, batch) -> {
            throw new IllegalStateException("database down");
        };
        RegistryTunnelListener failing = new RegistryTunnelListener(Mockito.mock(TunnelEvents.class),
                Mockito.mock(ClientStreams.class), broken);
        RegistryTunnelListener without = new RegistryTunnelListener(Mockito.mock(TunnelEvents.class),
                Mockito.mock(ClientStreams.class));
        try {
            DeviceIdentity device = new DeviceIdentity(UUID.randomUUID().toString(), "ab12");
            List<Alarm> batch = List.of(new Alarm(UUID.randomUUID().toString(), 1, Instant.now(), Alarm.SOURCE_HTTP,
                    "", "x", ""));
            assertThat(failing.alarmsReceived(device, batch).toCompletableFuture())
                    .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("database down");
            assertThat(without.alarmsReceived(device, batch).toCompletableFuture()).isCompletedExceptionally();
        } finally {
            failing.close();
            without.close();
        }
    }

    private int committedRows(String deviceId) {
        return jdbc.queryForObject("select count(*) from alarm where device_id = ?", Integer.class, deviceId);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
