package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.Account;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tunnel event's "last seen" update reads the device without a lock; a key-switch report committed meanwhile must
 * survive it (the update writes only the columns it changed). Found by the key-switch end-to-end test: the page stayed
 * on "offline" because the key switch's state had been written back.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.ANY)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class DeviceConcurrentUpdateTest {

    @Autowired
    DeviceRepository devices;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    jakarta.persistence.EntityManagerFactory entityManagers;

    @Test
    void aLastSeenUpdateDoesNotUndoAKeySwitchReportCommittedMeanwhile() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TransactionTemplate outer = new TransactionTemplate(transactionManager);
        TransactionTemplate inner = new TransactionTemplate(transactionManager);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        String deviceId = outer.execute(status -> {
            jakarta.persistence.EntityManager em = org.springframework.orm.jpa.EntityManagerFactoryUtils
                    .getTransactionalEntityManager(entityManagers);
            Account account = new Account("concurrent-update", now);
            em.persist(account);
            Device device = new Device(account.getId(), "Press", now);
            em.persist(device);
            return device.getId();
        });

        outer.executeWithoutResult(status -> {
            Device seenByTunnelEvent = devices.findById(deviceId).orElseThrow();
            assertThat(seenByTunnelEvent.isSiteAccessDisabled()).isFalse();
            inner.executeWithoutResult(report -> devices.findByIdForUpdate(deviceId).orElseThrow()
                    .siteAccess(true, now.plusSeconds(1), now.plusSeconds(1)));
            seenByTunnelEvent.seen(now.plusSeconds(2));
        });

        Device after = outer.execute(status -> devices.findById(deviceId).orElseThrow());
        assertThat(after.isSiteAccessDisabled()).as("the key switch's state committed in between").isTrue();
        assertThat(after.getLastSeenAt()).isEqualTo(now.plusSeconds(2));
    }
}
