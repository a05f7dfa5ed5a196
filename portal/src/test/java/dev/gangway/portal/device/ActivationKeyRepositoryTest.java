package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.Account;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jpa.test.autoconfigure.TestEntityManager;

/** The migration and the key repository on H2: a key can be marked used exactly once. */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.ANY)
class ActivationKeyRepositoryTest {

    @Autowired
    TestEntityManager entities;
    @Autowired
    ActivationKeyRepository keys;

    @Test
    void onlyTheFirstUseOfAKeyWins() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Account account = entities.persist(new Account("jpa-test", now));
        Device device = entities.persist(new Device(account.getId(), "Mill", now));
        ActivationKey key = entities.persistFlushFind(new ActivationKey(device.getId(), "ab".repeat(32), now,
                now.plusSeconds(3600)));

        assertThat(keys.markUsed(key.getId(), now.plusSeconds(1))).isEqualTo(1);
        assertThat(keys.markUsed(key.getId(), now.plusSeconds(2))).isZero();
        assertThat(keys.findByKeyHash("ab".repeat(32)).orElseThrow().getUsedAt()).isEqualTo(now.plusSeconds(1));
    }

    @Test
    void aNewKeyEndsTheUnusedOnesOfTheDevice() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Account account = entities.persist(new Account("jpa-test-2", now));
        Device device = entities.persist(new Device(account.getId(), "Lathe", now));
        ActivationKey key = entities.persistFlushFind(new ActivationKey(device.getId(), "cd".repeat(32), now,
                now.plusSeconds(3600)));

        assertThat(keys.expireUnused(device.getId(), now.plusSeconds(5))).isEqualTo(1);
        assertThat(keys.findById(key.getId()).orElseThrow().getExpiresAt()).isEqualTo(now.plusSeconds(5));
    }
}
