package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {

    private final SignInTestSupport.MutableClock clock = new SignInTestSupport.MutableClock(
            Instant.parse("2026-01-01T10:00:00Z"));
    private final FailureThrottle throttle = new FailureThrottle(20, Duration.ofMinutes(5), Duration.ofMinutes(3),
            1000, clock);

    @Test
    void twentyFailuresWithinTheWindowRefuseTheKeyForTheBlockTime() {
        for (int i = 1; i < 20; i++) {
            assertThat(throttle.fail("192.0.2.1")).isFalse();
        }
        assertThat(throttle.blockedUntil("192.0.2.1")).isEmpty();
        assertThat(throttle.fail("192.0.2.1")).as("the 20th failure trips it").isTrue();
        assertThat(throttle.blockedUntil("192.0.2.1")).contains(Instant.parse("2026-01-01T10:03:00Z"));
        assertThat(throttle.blockedUntil("192.0.2.2")).as("other addresses go on").isEmpty();

        clock.advance(Duration.ofMinutes(3));
        assertThat(throttle.blockedUntil("192.0.2.1")).isEmpty();
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotAddUp() {
        for (int i = 0; i < 19; i++) {
            throttle.fail("192.0.2.3");
        }
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 19; i++) {
            assertThat(throttle.fail("192.0.2.3")).isFalse();
        }
        assertThat(throttle.blockedUntil("192.0.2.3")).isEmpty();
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlySeen() {
        FailureThrottle small = new FailureThrottle(2, Duration.ofMinutes(5), Duration.ofMinutes(3), 100, clock);
        small.fail("attacker");
        small.fail("attacker");
        for (int i = 0; i < 10_000; i++) {
            small.fail("203.0.113." + i);
        }
        assertThat(small.size()).isEqualTo(100);
    }

    @Test
    void zeroTurnsItOff() {
        FailureThrottle off = new FailureThrottle(0, Duration.ofMinutes(5), Duration.ofMinutes(3), 100, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(off.fail("x")).isFalse();
        }
        assertThat(off.blockedUntil("x")).isEmpty();
    }
}
