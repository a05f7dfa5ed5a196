package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-session token bucket of ticket requests, on a clock of the test's own. */
class ClientTicketRateTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ClientTicketRate rate = new ClientTicketRate(50, 20, nanos::get);

    private int taken(String session, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (rate.tryTake(session)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aSessionMayTakeItsBurstAtOnceThenTheSustainedRate() {
        assertThat(taken("a", 60)).isEqualTo(50);
        assertThat(rate.tryTake("a")).isFalse();
        nanos.addAndGet(49_000_000L);
        assertThat(rate.tryTake("a")).as("not yet a whole ticket after 49 ms").isFalse();
        nanos.addAndGet(1_000_000L);
        assertThat(rate.tryTake("a")).as("one ticket every 50 ms").isTrue();
        assertThat(rate.tryTake("a")).isFalse();
        nanos.addAndGet(1_000_000_000L);
        assertThat(taken("a", 30)).as("20 a second").isEqualTo(20);
        nanos.addAndGet(3_600_000_000_000L);
        assertThat(taken("a", 100)).as("never more than the burst, however long it waited").isEqualTo(50);
    }

    @Test
    void sessionsHaveBucketsOfTheirOwnAndAnEndedSessionIsForgotten() {
        assertThat(taken("a", 50)).isEqualTo(50);
        assertThat(rate.tryTake("a")).isFalse();
        assertThat(taken("b", 60)).isEqualTo(50);
        rate.sessionEnded(new ClientSessionEnded("a", "account", "signed out"));
        assertThat(rate.tracked()).isOne();
    }

    @Test
    void atMostTenThousandSessionsAreRemembered() {
        for (int i = 0; i < ClientTicketRate.TRACKED_SESSIONS + 5; i++) {
            rate.tryTake("s" + i);
        }
        assertThat(rate.tracked()).isEqualTo(ClientTicketRate.TRACKED_SESSIONS);
    }

    @Test
    void theRefusalNamesTheLimits() {
        assertThat(rate.refusal()).isEqualTo("too many connections at once; slow down (a client session may ask "
                + "for 50 tickets at once, then 20 a second)");
        assertThat(new ClientTicketRate(3, 0.5, nanos::get).refusal()).endsWith("3 tickets at once, then 0.5 a second)");
        assertThatThrownBy(() -> new ClientTicketRate(0, 1, nanos::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
